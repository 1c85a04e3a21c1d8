package org.llmworkbench.model.blocks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The book's experiment on shortcut connections: a stack of small linear + GELU layers, with or
 * without adding each layer's input to its output. Without shortcuts the gradient shrinks on its
 * way back through the layers (vanishing gradients), so the first layers barely learn; with them
 * each layer's gradient also flows straight through the additions.
 */
public final class DeepNetwork {
    private final List<LinearLayer> layers = new ArrayList<>();
    private final boolean shortcut;

    /** Layers {@code sizes[i] → sizes[i+1]}, created in order as the book's {@code nn.ModuleList}. */
    public DeepNetwork(NDManager manager, int[] sizes, boolean shortcut) {
        if (sizes.length < 2) throw new IllegalArgumentException("sizes needs at least 2 entries (input and output), got " + sizes.length);
        for (int i = 0; i + 1 < sizes.length; i++) layers.add(new LinearLayer(manager, sizes[i], sizes[i + 1], true));
        this.shortcut = shortcut;
    }

    public NDArray forward(NDArray x) {
        for (LinearLayer layer : layers) {
            NDArray out = Activations.gelu(layer.forward(x));
            x = shortcut && out.getShape().equals(x.getShape()) ? x.add(out) : out;
        }
        return x;
    }

    /**
     * One backward pass of the mean squared error between the output for {@code input} and
     * {@code target}: the mean absolute gradient of each layer's weight, keyed by the book's
     * parameter names ({@code layers.0.0.weight}, …).
     */
    public Map<String, Double> weightGradientMeans(float[] input, float[] target) {
        Map<String, Double> means = new LinkedHashMap<>();
        zeroGradients(); // PyTorch adds gradients up across backward passes
        NDManager scope = layers.get(0).weight().getManager().newSubManager();
        try (scope; GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = forward(scope.create(input, new Shape(1, input.length)));
            NDArray loss = out.sub(scope.create(target, new Shape(1, target.length))).square().mean();
            collector.backward(loss);
            for (int i = 0; i < layers.size(); i++) {
                means.put("layers." + i + ".0.weight", (double) layers.get(i).weight().getGradient().abs().mean().getFloat());
            }
        }
        return Collections.unmodifiableMap(means);
    }

    private void zeroGradients() {
        for (LinearLayer layer : layers) {
            for (NDArray p : new NDArray[] {layer.weight(), layer.bias()}) {
                if (p != null && p.hasGradient()) {
                    try (NDArray g = p.getGradient()) {
                        g.subi(g);
                    }
                }
            }
        }
    }

    public List<LinearLayer> layers() {
        return Collections.unmodifiableList(layers);
    }
}
