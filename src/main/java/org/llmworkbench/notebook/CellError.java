package org.llmworkbench.notebook;

import java.util.List;

/**
 * Why a cell failed. {@code line} is 1-based within the cell (0 when unknown); {@code traceback}
 * holds the lines Jupyter shows under the error.
 */
public record CellError(String name, String message, int line, List<String> traceback) {
    public CellError {
        traceback = List.copyOf(traceback);
        message = message == null ? "" : message;
    }

    /** One line, e.g. {@code "java.lang.IllegalStateException: boom (cell line 3)"}. */
    public String summary() {
        return name + (message.isEmpty() ? "" : ": " + message) + (line > 0 ? " (cell line " + line + ")" : "");
    }
}
