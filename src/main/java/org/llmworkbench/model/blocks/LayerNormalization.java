package org.llmworkbench.model.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Layer normalization written out: each row (one token's features) minus its mean, divided by the
 * square root of its variance (biased, as GPT-2 and the book compute it, plus a small eps so a
 * constant row does not divide by zero), then times a learned {@code scale} and plus a learned
 * {@code shift}. They start at 1 and 0, so a fresh layer gives mean 0 and variance 1 per row;
 * training may move them wherever it helps.
 */
public final class LayerNormalization {
    public static final float EPS = 1e-5f;

    private final NDArray scale;
    private final NDArray shift;

    /** Scale 1 and shift 0: exactly mean 0, variance 1 per row. */
    public LayerNormalization(NDManager manager, int dim) {
        this(manager.ones(new Shape(dim)), manager.zeros(new Shape(dim)));
    }

    /** A given scale and shift, each [dim], as training could have left them. */
    public LayerNormalization(NDArray scale, NDArray shift) {
        if (!scale.getShape().equals(shift.getShape()) || scale.getShape().dimension() != 1) {
            throw new IllegalArgumentException("scale and shift must both be [dim], got " + scale.getShape() + " and " + shift.getShape());
        }
        this.scale = scale;
        this.shift = shift;
        scale.setRequiresGradient(true);
        shift.setRequiresGradient(true);
    }

    public NDArray forward(NDArray x) {
        long dim = x.getShape().get(x.getShape().dimension() - 1);
        if (dim != scale.size()) {
            throw new IllegalArgumentException("last axis must have " + scale.size() + " features, got shape " + x.getShape());
        }
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray centered = x.sub(mean);
        NDArray variance = centered.square().mean(new int[] {-1}, true);
        return centered.div(variance.add(EPS).sqrt()).mul(scale).add(shift);
    }

    public NDArray scale() {
        return scale;
    }

    public NDArray shift() {
        return shift;
    }

    public long parameterCount() {
        return scale.size() + shift.size();
    }
}
