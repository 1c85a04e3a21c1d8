package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * The position-wise feed-forward network: expand each token vector to 4x its width, apply GELU,
 * project back. Attention mixes information between tokens; this is where each token "thinks".
 * Weights are kept in PyTorch's Linear layout [out, in], as in the state dict.
 */
public final class FeedForward {
    private final NDArray expandWeight;
    private final NDArray expandBias;
    private final NDArray projectWeight;
    private final NDArray projectBias;
    private final Gelu gelu;

    FeedForward(NDArray expandWeight, NDArray expandBias, NDArray projectWeight, NDArray projectBias, Gelu gelu) {
        this.expandWeight = expandWeight;
        this.expandBias = expandBias;
        this.projectWeight = projectWeight;
        this.projectBias = projectBias;
        this.gelu = gelu;
    }

    NDArray expandWeight() { return expandWeight; }

    NDArray expandBias() { return expandBias; }

    NDArray projectWeight() { return projectWeight; }

    NDArray projectBias() { return projectBias; }

    Gelu gelu() { return gelu; }

    public NDArray forward(NDArray x) {
        return forward(x, false);
    }

    NDArray forward(NDArray x, boolean inPlace) {
        NDArray hidden = gelu.forward(Linear.linear(x, expandWeight, expandBias).singletonOrThrow(), inPlace);
        return Linear.linear(hidden, projectWeight, projectBias).singletonOrThrow();
    }
}
