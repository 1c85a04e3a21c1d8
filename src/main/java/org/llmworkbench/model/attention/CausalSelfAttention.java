package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Trainable self-attention for a language model: a token may only attend to itself and earlier
 * tokens (it must predict what comes next without seeing it), and in training some attention
 * weights are dropped at random so the model does not lean on a few positions.
 */
public class CausalSelfAttention extends TrainableSelfAttention {
    private final int contextLength;
    private final Dropout dropout;

    public CausalSelfAttention(NDManager parent, int dIn, int dOut, int contextLength, double dropoutRate,
                               boolean qkvBias, long seed) {
        super(parent, dIn, dOut, qkvBias, seed);
        if (contextLength < 1) throw new IllegalArgumentException("contextLength = " + contextLength + " must be >= 1");
        this.contextLength = contextLength;
        // the dropout stream gets its own seed so it does not shift the weight initialisation
        this.dropout = new Dropout(dropoutRate, seed ^ 0x5DEECE66DL);
    }

    public int contextLength() {
        return contextLength;
    }

    public double dropoutRate() {
        return dropout.rate();
    }

    @Override
    protected Pass compute(NDArray x) {
        return attend(x);
    }

    Pass attend(NDArray x) {
        long t = x.getShape().get(1);
        if (t > contextLength) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds contextLength " + contextLength);
        }
        NDArray w = CausalMask.apply(scaledScores(queries(x), keys(x))).softmax(-1);
        if (isTraining()) w = dropout.apply(w);
        return new Pass(w.matMul(values(x)), w);
    }
}
