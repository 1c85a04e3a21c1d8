package org.llmworkbench.datasets;

/**
 * A dataset could not be provided: not found and not downloadable, damaged, or a download failed.
 * The message always says which dataset, which file or URL, and what to do about it.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
