package org.llmworkbench.text;

import java.nio.file.Path;

/** A vocabulary, merges or rank file that cannot be read as one; the message names the file and line. */
public final class TokenizerFileException extends IllegalArgumentException {
    private final Path file;
    private final int line;

    public TokenizerFileException(Path file, int line, String problem) {
        super((file == null ? "" : file + (line > 0 ? ":" + line : "") + ": ") + problem);
        this.file = file;
        this.line = line;
    }

    public TokenizerFileException(Path file, int line, String problem, Throwable cause) {
        this(file, line, problem);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }
}
