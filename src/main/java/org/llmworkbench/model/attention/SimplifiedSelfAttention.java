package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Attention with no trainable weights: each token's context vector is an average of all tokens,
 * weighted by how similar (dot product) they are to it. This is the idea before the machinery.
 */
public final class SimplifiedSelfAttention extends AttentionModule {

    public SimplifiedSelfAttention(NDManager parent) {
        super(parent);
    }

    /** ω = x · xᵀ: how much each token (row) resembles each other token (column). */
    public static NDArray scores(NDArray x) {
        return x.matMul(transposeLastTwo(x));
    }

    /** α = softmax(ω) over each row, so each token's weights are positive and sum to 1. */
    public static NDArray weights(NDArray scores) {
        return scores.softmax(-1);
    }

    /** z = α · x: each context vector mixes all inputs by the weights. */
    public static NDArray context(NDArray weights, NDArray x) {
        return weights.matMul(x);
    }

    @Override
    protected Pass compute(NDArray x) {
        NDArray w = weights(scores(x));
        return new Pass(context(w, x), w);
    }
}
