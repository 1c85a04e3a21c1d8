package org.llmworkbench.data;

import java.util.Arrays;

/**
 * A batch of equally long input and target rows, as plain Java arrays; the model turns them
 * into tensors. {@code indices} are the dataset positions the rows came from, in row order.
 */
public record Batch(int[][] inputs, int[][] targets, int[] indices) {

    public Batch {
        if (inputs == null || targets == null || indices == null) {
            throw new IllegalArgumentException("inputs, targets and indices are required");
        }
        if (inputs.length == 0) throw new IllegalArgumentException("a batch must hold at least one row");
        if (targets.length != inputs.length || indices.length != inputs.length) {
            throw new IllegalArgumentException("inputs (" + inputs.length + "), targets (" + targets.length
                    + ") and indices (" + indices.length + ") must have the same number of rows");
        }
        int length = inputs[0].length;
        for (int r = 0; r < inputs.length; r++) {
            if (inputs[r].length != length || targets[r].length != length) {
                throw new IllegalArgumentException("row " + r + " has input length " + inputs[r].length
                        + " and target length " + targets[r].length + "; every row must have length " + length);
            }
        }
    }

    public int size() {
        return inputs.length;
    }

    public int sequenceLength() {
        return inputs[0].length;
    }

    /** Number of target tokens, what a loss is averaged over. */
    public long tokenCount() {
        return (long) size() * sequenceLength();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && Arrays.deepEquals(inputs, b.inputs) && Arrays.deepEquals(targets, b.targets)
                && Arrays.equals(indices, b.indices);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.deepHashCode(inputs) + Arrays.deepHashCode(targets)) + Arrays.hashCode(indices);
    }

    @Override
    public String toString() {
        return "Batch[inputs=" + Arrays.deepToString(inputs) + ", targets=" + Arrays.deepToString(targets)
                + ", indices=" + Arrays.toString(indices) + "]";
    }
}
