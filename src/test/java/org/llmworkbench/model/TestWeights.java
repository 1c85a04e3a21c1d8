package org.llmworkbench.model;

import org.llmworkbench.model.io.NamedTensor;
import ai.djl.ndarray.NDArray;

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
}
