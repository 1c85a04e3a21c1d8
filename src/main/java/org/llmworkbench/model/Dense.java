package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * A dense (fully connected) layer, {@code y = x W^T + b}, with the weight in PyTorch's
 * {@code nn.Linear} layout [out, in]; the bias may be null. A {@link LowRankAdapter} attached for
 * LoRA fine-tuning adds its low-rank update to the output.
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

    public NDArray weight() { return weight; }
    public NDArray bias() { return bias; }
    /** The attached adapter, or null. */
    public LowRankAdapter adapter() { return adapter; }
    void adapter(LowRankAdapter adapter) { this.adapter = adapter; }
}
