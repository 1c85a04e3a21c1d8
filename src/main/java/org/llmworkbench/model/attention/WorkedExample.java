package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * The book's worked example for chapter 3: the six tokens of "Your journey starts with one step",
 * each with a fixed three-dimensional embedding, so every score, weight and context vector can be
 * checked by hand (the book prints them to four decimals).
 */
public final class WorkedExample {
    private WorkedExample() {}

    public static final List<String> TOKENS = List.of("Your", "journey", "starts", "with", "one", "step");

    private static final float[] EMBEDDINGS = {
        0.43f, 0.15f, 0.89f, // Your
        0.55f, 0.87f, 0.66f, // journey
        0.57f, 0.85f, 0.64f, // starts
        0.22f, 0.58f, 0.33f, // with
        0.77f, 0.25f, 0.10f, // one
        0.05f, 0.80f, 0.55f, // step
    };

    // The book's [1, 2, 3, 4] tensor for the per-head matrix product: batch 1, 2 heads, 3 tokens, 4 dims.
    private static final float[] HEADS = {
        0.2745f, 0.6584f, 0.2775f, 0.8573f,
        0.8993f, 0.0390f, 0.9268f, 0.7388f,
        0.7179f, 0.7058f, 0.9156f, 0.4340f,
        0.0772f, 0.3565f, 0.1479f, 0.5331f,
        0.4066f, 0.2318f, 0.4545f, 0.9737f,
        0.4606f, 0.5159f, 0.4220f, 0.5786f,
    };

    /** The embeddings [6, 3], one row per token. */
    public static NDArray inputs(NDManager manager) {
        return manager.create(EMBEDDINGS, new Shape(TOKENS.size(), 3));
    }

    /** Queries (or keys) of 2 heads split out: [batch 1, heads 2, tokens 3, head dim 4]. */
    public static NDArray heads(NDManager manager) {
        return manager.create(HEADS, new Shape(1, 2, 3, 4));
    }
}
