package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * LoRA (Hu et al., 2021): a weight update of rank r written as the product of two thin matrices,
 * {@code ΔW = scale · B A} with A [rank, in] and B [out, rank]. B starts at zero, so an adapted
 * layer starts out computing exactly what the frozen layer did; {@code scale = alpha / rank}
 * (the LoRA paper's and Hugging Face PEFT's convention; the book multiplies by alpha alone).
 */
public record LowRankAdapter(NDArray a, NDArray b, double scale) {

    public LowRankAdapter {
        if (a.getShape().dimension() != 2 || b.getShape().dimension() != 2 || a.getShape().get(0) != b.getShape().get(1)) {
            throw new IllegalArgumentException("LoRA needs A [rank, in] and B [out, rank], got A " + a.getShape()
                    + " and B " + b.getShape());
        }
    }

    public long rank() {
        return a.getShape().get(0);
    }

    /** {@code scale · (x A^T) B^T}: two thin matmuls instead of one full-size one. */
    public NDArray forward(NDArray x) {
        NDArray down = Linear.linear(x, a, null).singletonOrThrow();
        return Linear.linear(down, b, null).singletonOrThrow().mul(scale);
    }

    public long parameterCount() {
        return a.getShape().size() + b.getShape().size();
    }
}
