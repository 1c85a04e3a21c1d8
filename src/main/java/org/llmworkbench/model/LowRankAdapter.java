package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
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
        return Linear.linear(down, b, null).singletonOrThrow().mul(TensorMemory.scalar(down.getManager(), scale));
    }

    public long parameterCount() {
        return a.getShape().size() + b.getShape().size();
    }

    /** Attaches this adapter to a layer whose weight it fits; a layer takes one adapter at a time. */
    public void attachTo(Dense layer) {
        if (layer.adapter() != null) {
            throw new IllegalStateException("this layer already has a LoRA adapter; merge it first");
        }
        Shape weight = layer.weight().getShape();
        if (a.getShape().get(1) != weight.get(1) || b.getShape().get(0) != weight.get(0)) {
            throw new IllegalArgumentException("adapter A " + a.getShape() + " / B " + b.getShape()
                    + " does not fit a layer of weight " + weight);
        }
        layer.adapter(this);
    }

    /** {@code W += scale · B A} and the layer's adapter is removed: the same outputs without the extra matmuls. */
    public static void merge(Dense layer) {
        LowRankAdapter adapter = layer.adapter();
        if (adapter == null) return;
        try (NDArray delta = adapter.b().matMul(adapter.a()).mul(adapter.scale())) {
            layer.weight().addi(delta);
        }
        layer.adapter(null);
    }
}
