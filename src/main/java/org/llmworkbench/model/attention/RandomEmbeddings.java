package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stand-in token embeddings for showing attention before there is a trained model: each distinct
 * token gets a seeded standard-normal vector, and a repeated token gets the same vector, as it
 * would from a real embedding table.
 */
public final class RandomEmbeddings {
    private RandomEmbeddings() {}

    /** Embeddings [T, dim] for the tokens in order. */
    public static NDArray of(NDManager manager, List<String> tokens, int dim, long seed) {
        if (dim < 1) throw new IllegalArgumentException("dim = " + dim + " must be >= 1");
        if (tokens.isEmpty()) throw new IllegalArgumentException("tokens must not be empty");
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> table = new LinkedHashMap<>();
        float[] out = new float[tokens.size() * dim];
        for (int t = 0; t < tokens.size(); t++) {
            float[] v = table.computeIfAbsent(tokens.get(t), k -> {
                float[] e = new float[dim];
                for (int i = 0; i < dim; i++) e[i] = (float) rnd.nextGaussian();
                return e;
            });
            System.arraycopy(v, 0, out, t * dim, dim);
        }
        return manager.create(out, new Shape(tokens.size(), dim));
    }

    /** A sentence split on whitespace: the simplest tokenizer, enough to label a heat map. */
    public static List<String> words(String sentence) {
        String trimmed = sentence.strip();
        if (trimmed.isEmpty()) throw new IllegalArgumentException("sentence must contain at least one word");
        return List.of(trimmed.split("\\s+"));
    }
}
