package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * A dense (fully connected) layer: {@code y = x W^T + b}. The weight is kept in PyTorch's
 * {@code nn.Linear} layout [out, in], as the state dict stores it; the bias may be null.
 *
 * <p>For LoRA fine-tuning a {@link LowRankAdapter} may be attached: the layer then computes
 * {@code x W^T + b + scale · (x A^T) B^T}, training only the small A and B while W stays frozen.
 * {@link #mergeAdapter()} folds the adapter into W for inference and removes it.
 */
public final class Dense {
    private final NDArray weight;
    private final NDArray bias;
    private LowRankAdapter adapter;

    public Dense(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    public NDArray forward(NDArray x) {
        NDArray y = Linear.linear(x, weight, bias).singletonOrThrow();
        return adapter == null ? y : y.add(adapter.forward(x));
    }

    /** [out, in]. */
    public NDArray weight() { return weight; }

    /** [out], or null. */
    public NDArray bias() { return bias; }

    /** Output features (rows of the weight). */
    public long outFeatures() {
        return weight.getShape().get(0);
    }

    /** Input features (columns of the weight). */
    public long inFeatures() {
        return weight.getShape().get(1);
    }

    /** The attached adapter, or null. */
    public LowRankAdapter adapter() { return adapter; }

    /** Attaches a low-rank adapter whose shapes fit this layer (replacing none: one adapter at a time). */
    public void attach(LowRankAdapter lora) {
        if (adapter != null) throw new IllegalStateException("this layer already has a LoRA adapter; merge or detach it first");
        if (lora.a().getShape().get(1) != inFeatures() || lora.b().getShape().get(0) != outFeatures()) {
            throw new IllegalArgumentException("adapter A " + lora.a().getShape() + " / B " + lora.b().getShape()
                    + " does not fit a layer of weight " + weight.getShape());
        }
        adapter = lora;
    }

    /** {@code W += scale · B A}, then the adapter is removed: the same outputs without the extra matmuls. */
    public void mergeAdapter() {
        if (adapter == null) return;
        try (NDArray delta = adapter.b().matMul(adapter.a()).mul(adapter.scale())) {
            weight.addi(delta);
        }
        adapter = null;
    }

    /** Removes the adapter without changing the weight. */
    public void detachAdapter() {
        adapter = null;
    }
}
