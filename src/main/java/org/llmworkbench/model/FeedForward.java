package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;

/**
 * The position-wise feed-forward network: expand each token vector to 4x its width, apply GELU,
 * project back. Attention mixes information between tokens; this is where each token "thinks".
 *
 * @param expand  {@code ff.layers.0}: embDim → 4 embDim
 * @param project {@code ff.layers.2}: 4 embDim → embDim
 * @param gelu    the non-linearity between them
 */
public record FeedForward(Dense expand, Dense project, Gelu gelu) {

    public NDArray forward(NDArray x) {
        return project.forward(gelu.forward(expand.forward(x)));
    }
}
