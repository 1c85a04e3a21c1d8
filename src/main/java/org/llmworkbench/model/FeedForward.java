package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;

/**
 * The position-wise feed-forward network: expand each token vector to 4x its width, apply GELU,
 * project back. Attention mixes information between tokens; this is where each token "thinks".
 */
public final class FeedForward {
    private final Dense expand;
    private final Dense project;
    private final Gelu gelu;

    FeedForward(Dense expand, Dense project, Gelu gelu) {
        this.expand = expand;
        this.project = project;
        this.gelu = gelu;
    }

    public NDArray forward(NDArray x) {
        return project.forward(gelu.forward(expand.forward(x)));
    }

    /** {@code ff.layers.0}: embDim → 4 embDim. */
    public Dense expand() { return expand; }
    /** {@code ff.layers.2}: 4 embDim → embDim. */
    public Dense project() { return project; }
}
