package org.llmworkbench.model.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;

/**
 * {@code y = x · Wᵀ + b}, with W stored [out, in] like PyTorch's {@code nn.Linear} and initialized as
 * it does: weight, then bias, each uniform in ±1/√in (Kaiming-uniform with a = √5 works out to that).
 */
public final class LinearLayer {
    private final NDArray weight;
    private final NDArray bias;

    public LinearLayer(NDManager manager, int in, int out, boolean bias) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("in and out must be >= 1, got in = " + in + ", out = " + out);
        double bound = 1.0 / Math.sqrt(in);
        this.weight = TorchRandom.uniform(manager, bound, out, in);
        this.bias = bias ? TorchRandom.uniform(manager, bound, out) : null;
        weight.setRequiresGradient(true);
        if (this.bias != null) this.bias.setRequiresGradient(true);
    }

    public NDArray forward(NDArray x) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    }

    /** [out, in]. */
    public NDArray weight() {
        return weight;
    }

    /** [out], or null without a bias. */
    public NDArray bias() {
        return bias;
    }

    public long parameterCount() {
        return weight.size() + (bias == null ? 0 : bias.size());
    }
}
