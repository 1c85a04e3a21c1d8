package org.llmworkbench.model.blocks;

import ai.djl.ndarray.NDManager;
import org.llmworkbench.model.TensorMemory;
import ai.djl.ndarray.NDArray;

/**
 * The two activation functions the book compares. ReLU cuts every negative input to 0 (and its
 * gradient there to 0); GELU bends smoothly, lets small negative values through and has a non-zero
 * gradient almost everywhere, which helps deep networks train. GPT-2 uses GELU's tanh approximation.
 */
public final class Activations {
    private Activations() {}

    /** {@code 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))}. */
    public static NDArray gelu(NDArray x) {
        NDManager m = x.getManager();
        NDArray inner = x.add(x.pow(TensorMemory.scalar(m, 3)).mul(TensorMemory.scalar(m, 0.044715f)))
                .mul(TensorMemory.scalar(m, (float) Math.sqrt(2.0 / Math.PI)));
        return x.mul(TensorMemory.scalar(m, 0.5f)).mul(inner.tanh().add(1f));
    }

    /** {@code max(0, x)}. */
    public static NDArray relu(NDArray x) {
        return x.maximum(TensorMemory.scalar(x.getManager(), 0));
    }
}
