package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.SplittableRandom;

/**
 * Self-attention with learned projections: each token is projected into a query (what it looks
 * for), a key (what it offers) and a value (what it passes on). Scores are query·key, divided by
 * √d_k so they do not grow with the dimension and push softmax into regions with tiny gradients.
 */
public class TrainableSelfAttention extends AttentionModule {
    protected final int dIn;
    protected final int dOut;

    public TrainableSelfAttention(NDManager parent, int dIn, int dOut, boolean qkvBias, long seed) {
        super(parent);
        if (dIn < 1) throw new IllegalArgumentException("dIn = " + dIn + " must be >= 1");
        if (dOut < 1) throw new IllegalArgumentException("dOut = " + dOut + " must be >= 1");
        this.dIn = dIn;
        this.dOut = dOut;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (String p : new String[] {"W_query", "W_key", "W_value"}) {
            setParameter(p + ".weight", uniformInit(rnd, dIn, dOut, dIn));
            if (qkvBias) setParameter(p + ".bias", uniformInit(rnd, dIn, dOut));
        }
    }

    public int dIn() {
        return dIn;
    }

    public int dOut() {
        return dOut;
    }

    /** Replaces the projections, each stored [d_out, d_in] like nn.Linear; biases may be null. */
    public void setProjections(NDArray wQuery, NDArray wKey, NDArray wValue) {
        NDArray[] ws = {wQuery, wKey, wValue};
        String[] names = {"W_query", "W_key", "W_value"};
        for (int i = 0; i < 3; i++) {
            if (!ws[i].getShape().equals(new ai.djl.ndarray.types.Shape(dOut, dIn))) {
                throw new IllegalArgumentException(names[i] + ".weight must be [" + dOut + ", " + dIn + "], got " + ws[i].getShape());
            }
            setParameter(names[i] + ".weight", ws[i].duplicate());
        }
    }

    protected NDArray queries(NDArray x) {
        return linear(x, parameter("W_query.weight"), parameter("W_query.bias"));
    }

    protected NDArray keys(NDArray x) {
        return linear(x, parameter("W_key.weight"), parameter("W_key.bias"));
    }

    protected NDArray values(NDArray x) {
        return linear(x, parameter("W_value.weight"), parameter("W_value.bias"));
    }

    /** Scaled scores q·kᵀ/√d_k, before any mask. */
    protected NDArray scaledScores(NDArray q, NDArray k) {
        return q.matMul(transposeLastTwo(k)).div(Math.sqrt(k.getShape().get(k.getShape().dimension() - 1)));
    }

    @Override
    protected Pass compute(NDArray x) {
        NDArray w = scaledScores(queries(x), keys(x)).softmax(-1);
        return new Pass(w.matMul(values(x)), w);
    }
}
