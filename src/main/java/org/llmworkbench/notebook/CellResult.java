package org.llmworkbench.notebook;

import java.util.Optional;

/** The outcome of one cell: its result value (the last expression), or the error that stopped it. */
public record CellResult(DisplayData value, CellError error, long wallNanos) {
    public static CellResult ok(DisplayData value, long wallNanos) {
        return new CellResult(value, null, wallNanos);
    }

    public static CellResult failed(CellError error, long wallNanos) {
        return new CellResult(null, error, wallNanos);
    }

    public boolean isOk() {
        return error == null;
    }

    public Optional<DisplayData> result() {
        return Optional.ofNullable(value);
    }
}
