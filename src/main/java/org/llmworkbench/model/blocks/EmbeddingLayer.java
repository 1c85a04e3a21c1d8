package org.llmworkbench.model.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;

/**
 * A lookup table: row {@code i} is the vector of id {@code i}. Looking up ids is the same as
 * multiplying one-hot vectors by the table, only without the zeros. Initialized standard normal,
 * as PyTorch's {@code nn.Embedding}. For absolute positions, look up {@code 0 … T-1} in a second
 * table with one row per position and add the result to the token vectors.
 */
public final class EmbeddingLayer {
    private final NDArray weight;

    public EmbeddingLayer(NDManager manager, int count, int dim) {
        if (count < 1 || dim < 1) throw new IllegalArgumentException("count and dim must be >= 1, got " + count + " x " + dim);
        weight = TorchRandom.randn(manager, count, dim);
        weight.setRequiresGradient(true);
    }

    /** [count, dim]. */
    public NDArray weight() {
        return weight;
    }

    /** Vectors for ids of any shape: {@code [..]} → {@code [.., dim]}. */
    public NDArray lookup(NDArray ids) {
        if (!ids.getDataType().isInteger()) throw new IllegalArgumentException("ids must be an integer tensor, got " + ids.getDataType());
        NDArray longIds = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        long rows = weight.getShape().get(0);
        long max = ids.size() == 0 ? 0 : longIds.max().getLong();
        long min = ids.size() == 0 ? 0 : longIds.min().getLong();
        if (min < 0 || max >= rows) {
            throw new IllegalArgumentException("ids must be in [0, " + (rows - 1) + "] for a table of " + rows + " rows, got "
                    + (min < 0 ? min : max));
        }
        return longIds.getNDArrayInternal().embedding(longIds, weight, SparseFormat.DENSE).singletonOrThrow();
    }
}
