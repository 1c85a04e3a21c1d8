package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.data.Batch;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.Losses;

/**
 * Next-token prediction: the model reads the inputs, and the loss is the mean cross-entropy of its
 * predictions against the targets (the inputs shifted by one). Targets equal to −100 are ignored.
 */
public final class LanguageModelObjective implements Objective<Batch> {
    private final GptModel model;

    public LanguageModelObjective(GptModel model) {
        this.model = model;
    }

    @Override
    public NDArray loss(NDManager scope, Batch batch, boolean training) {
        NDArray inputs = ids(scope, batch.inputs());
        NDArray targets = ids(scope, batch.targets());
        NDArray logits = model.forward(inputs, training);
        return Losses.crossEntropy(logits, targets);
    }

    @Override
    public long tokens(Batch batch) {
        return batch.tokenCount();
    }

    /** Rows of token ids as a [rows, length] int64 array. */
    public static NDArray ids(NDManager scope, int[][] rows) {
        int length = rows[0].length;
        long[] flat = new long[rows.length * length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < length; c++) flat[r * length + c] = rows[r][c];
        }
        return scope.create(flat, new Shape(rows.length, length));
    }
}
