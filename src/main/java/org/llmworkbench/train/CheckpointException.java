package org.llmworkbench.train;

import java.nio.file.Path;

/** A checkpoint that cannot be used: missing, truncated, corrupt or written for another model. */
public final class CheckpointException extends RuntimeException {
    private final Path file;

    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public CheckpointException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
