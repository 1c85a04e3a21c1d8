package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Layer normalization: each token vector is shifted to mean 0 and scaled to variance 1 over its
 * features (biased variance, as in GPT-2), then stretched by a learned {@code scale} and moved by a
 * learned {@code shift}. It keeps the residual stream at a trainable magnitude across many blocks.
 */
public final class LayerNorm {
    public static final float EPS = 1e-5f;

    private final NDArray scale;
    private final NDArray shift;
    private final Shape normalizedShape;

    LayerNorm(NDArray scale, NDArray shift) {
        this.scale = scale;
        this.shift = shift;
        this.normalizedShape = scale.getShape();
    }

    /** {@code (x - mean) / sqrt(var + eps) * scale + shift} over the last axis, one fused native op. */
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().layerNorm(x, normalizedShape, scale, shift, EPS).singletonOrThrow();
    }
}
