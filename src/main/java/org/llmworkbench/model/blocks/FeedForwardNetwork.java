package org.llmworkbench.model.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The transformer's feed-forward network: widen each token vector 4×, apply GELU, project it back.
 * Input and output have the same shape, so blocks stack; the wide middle gives each token room to
 * compute on its own after attention has mixed information between tokens.
 */
public final class FeedForwardNetwork {
    private final LinearLayer expand;
    private final LinearLayer project;

    public FeedForwardNetwork(NDManager manager, int embDim) {
        expand = new LinearLayer(manager, embDim, 4 * embDim, true);
        project = new LinearLayer(manager, 4 * embDim, embDim, true);
    }

    public NDArray forward(NDArray x) {
        return project.forward(hidden(x));
    }

    /** The GELU-activated middle, [.., 4·embDim]. */
    public NDArray hidden(NDArray x) {
        return Activations.gelu(expand.forward(x));
    }

    public LinearLayer expand() {
        return expand;
    }

    public LinearLayer project() {
        return project;
    }

    public long parameterCount() {
        return expand.parameterCount() + project.parameterCount();
    }
}
