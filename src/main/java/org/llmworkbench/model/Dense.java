package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * A dense (fully connected) layer: {@code y = x W^T + b}. The weight is kept in PyTorch's
 * {@code nn.Linear} layout [out, in], as the state dict stores it; the bias may be null.
 */
public record Dense(NDArray weight, NDArray bias) {

    public NDArray forward(NDArray x) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
