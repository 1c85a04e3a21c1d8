package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainable parameters of a {@link GptModel}: created in its manager with GPT-2's initialization
 * (normal weights with standard deviation {@link #INIT_STD}, zero biases, unit LayerNorm scales),
 * gradients enabled, named as in the book's PyTorch {@code state_dict()} and kept in creation order.
 */
final class GptParameters {
    /** Standard deviation of the initial weights, as in GPT-2. */
    static final float INIT_STD = 0.02f;

    private final NDManager manager;
    private final Map<String, NDArray> byName = new LinkedHashMap<>();

    GptParameters(NDManager manager) {
        this.manager = manager;
    }

    /** A linear layer {@code name} from {@code in} to {@code out} features; the weight is [out, in]. */
    Dense dense(String name, long in, long out, boolean bias) {
        return new Dense(normal(name + ".weight", out, in), bias ? zeros(name + ".bias", out) : null);
    }

    LayerNorm layerNorm(String name, long width) {
        return new LayerNorm(register(name + ".scale", manager.ones(new Shape(width), DataType.FLOAT32)),
                zeros(name + ".shift", width));
    }

    NDArray normal(String name, long... shape) {
        return register(name, manager.randomNormal(0f, INIT_STD, new Shape(shape), DataType.FLOAT32));
    }

    private NDArray zeros(String name, long... shape) {
        return register(name, manager.zeros(new Shape(shape), DataType.FLOAT32));
    }

    private NDArray register(String name, NDArray array) {
        array.setName(name);
        array.setRequiresGradient(true);
        byName.put(name, array);
        return array;
    }

    /** By state-dict name, in creation order: the live arrays, not copies. */
    Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(byName);
    }

    /** Total number of trainable values (a tied head is one array, counted once). */
    long count() {
        long total = 0;
        for (NDArray p : byName.values()) {
            total += p.getShape().size();
        }
        return total;
    }
}
