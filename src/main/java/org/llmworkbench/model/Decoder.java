package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;

/**
 * What {@link Generator} calls once per step: the ids that follow a {@link KvCache} in, the next
 * position's logits out. {@link #plain} is the model's own forward pass; the faster decode step
 * that splits a single new token's work across threads lives in {@code model.decode}.
 */
public interface Decoder extends AutoCloseable {

    /**
     * @param ids   [batch, tokens], placed at positions {@code cache.length() …} (0 without a cache)
     * @param cache the keys and values of earlier positions, extended by this call; or null
     * @return logits [batch, 1, vocab] of the last position, in {@code ids}' manager
     */
    NDArray nextLogits(NDArray ids, KvCache cache);

    @Override
    void close();

    /** The teaching path: {@link GptModel#forward(NDArray, KvCache, boolean)}, nothing to close. */
    static Decoder plain(GptModel model) {
        return new Decoder() {
            @Override
            public NDArray nextLogits(NDArray ids, KvCache cache) {
                return model.forward(ids, cache, true);
            }

            @Override
            public void close() {}
        };
    }
}
