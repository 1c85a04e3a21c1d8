package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Hides the future: a [T, T] additive mask with -∞ above the diagonal, so after softmax token t
 * puts zero weight on tokens after it. Adding -∞ before softmax (rather than zeroing after)
 * keeps each row a proper distribution without renormalising.
 */
public final class CausalMask {
    private CausalMask() {}

    public static NDArray additive(NDManager manager, int t) {
        float[] mask = new float[t * t];
        for (int r = 0; r < t; r++) {
            for (int c = r + 1; c < t; c++) mask[r * t + c] = Float.NEGATIVE_INFINITY;
        }
        return org.llmworkbench.model.TensorMemory.owned(manager.create(mask, new Shape(t, t)));
    }

    /**
     * The multiplicative form: 1 on and below the diagonal, 0 above. Multiplying softmax weights by
     * it zeroes the future, after which each row must be divided by its sum again.
     */
    public static NDArray allowed(NDManager manager, int t) {
        float[] mask = new float[t * t];
        for (int r = 0; r < t; r++) {
            for (int c = 0; c <= r; c++) mask[r * t + c] = 1f;
        }
        return manager.create(mask, new Shape(t, t));
    }

    /** Scores [.., T, T] with the future masked out. */
    public static NDArray apply(NDArray scores) {
        Shape s = scores.getShape();
        int t = (int) s.get(s.dimension() - 1);
        return scores.add(additive(scores.getManager(), t));
    }
}
