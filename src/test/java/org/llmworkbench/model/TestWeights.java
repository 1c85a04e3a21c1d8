package org.llmworkbench.model;

import org.llmworkbench.model.io.NamedTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.llmworkbench.model.reference.ReferenceGpt;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Weights for comparisons against {@link ReferenceGpt}. */
public final class TestWeights {
    private TestWeights() {}

    /**
     * Larger-than-init random values (norm scales near 1), so a comparison is not dominated by tiny
     * activations.
     */
    public static void scaled(GptModel model, Random r) {
        Map<String, NamedTensor> state = new HashMap<>();
        for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
            float[] v = new float[(int) e.getValue().size()];
            boolean norm = e.getKey().contains("norm");
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((norm && e.getKey().endsWith("scale") ? 1 : 0) + r.nextGaussian() * (norm ? 0.1 : 0.3));
            }
            state.put(e.getKey(), new NamedTensor(e.getKey(), e.getValue().getShape().getShape(), v));
        }
        model.loadStateDict(state);
    }

    /** The plain-Java reference holding a copy of the model's current weights. */
    public static ReferenceGpt reference(GptModel model) {
        Map<String, float[]> weights = new HashMap<>();
        model.stateDict().forEach((name, array) -> weights.put(name, array.toFloatArray()));
        return new ReferenceGpt(model.config(), weights);
    }

    /** Token ids [rows, tokens] in {@code manager}, one row per array (all of one length). */
    public static NDArray ids(NDManager manager, int[]... rows) {
        int tokens = rows[0].length;
        long[] flat = new long[rows.length * tokens];
        for (int b = 0; b < rows.length; b++) {
            for (int t = 0; t < tokens; t++) flat[b * tokens + t] = rows[b][t];
        }
        return manager.create(flat, new Shape(rows.length, tokens));
    }
}
