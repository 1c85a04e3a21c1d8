package org.llmworkbench.model.io;

import java.io.IOException;
import java.nio.file.Path;

/** A weights file that is not what it claims to be: the message names the file, the tensor and the fix. */
public class SafetensorsException extends IOException {
    public SafetensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafetensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
