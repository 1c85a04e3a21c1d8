package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.data.Batch;

/**
 * Token ids as the model takes them: int64 tensors [batch, tokens], made from plain Java arrays or a
 * {@link Batch} of the data loader. The arrays belong to the manager passed in (a step's scope).
 */
public final class TokenTensors {
    private TokenTensors() {}

    /** One row per array, all the same length: [rows, tokens]. */
    public static NDArray of(NDManager manager, int[]... rows) {
        if (rows.length == 0) throw new IllegalArgumentException("need at least one row of token ids");
        int length = rows[0].length;
        long[] flat = new long[rows.length * length];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != length) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " ids, row 0 has " + length
                        + "; every row must have the same length");
            }
            for (int t = 0; t < length; t++) flat[r * length + t] = rows[r][t];
        }
        return manager.create(flat, new Shape(rows.length, length));
    }

    /** The batch's inputs [batch, tokens]. */
    public static NDArray inputs(NDManager manager, Batch batch) {
        return of(manager, batch.inputs());
    }

    /** The batch's targets [batch, tokens]: the inputs moved one token to the right. */
    public static NDArray targets(NDManager manager, Batch batch) {
        return of(manager, batch.targets());
    }
}
