package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the tokens seen so far, one pair per transformer block.
 *
 * <p>During generation every step would otherwise recompute keys and values for the whole prefix;
 * with the cache the prompt is processed once ("prefill") and each later step feeds only the new
 * token ("decode"), attending to the stored keys and values. The cached tensors live in the cache's
 * own NDManager, so per-step scopes can be closed freely; {@link #close()} frees them.
 *
 * <p>The cache holds at most {@code contextLength} positions: the position embedding has no row
 * beyond that. {@link Generator} re-prefills the last {@code contextLength} tokens when it is full.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final LayerCache[] layers;
    private final int capacity;
    private int length;

    public KvCache(GptModel model) {
        this.manager = model.manager().newSubManager();
        this.capacity = model.config().contextLength();
        this.layers = new LayerCache[model.config().nLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new LayerCache();
        }
    }

    /** Number of positions already stored (the position of the next token fed). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isFull() {
        return length >= capacity;
    }

    LayerCache layer(int i) {
        return layers[i];
    }

    void advance(int tokens) {
        length += tokens;
    }

    /** Forget every stored position (to re-prefill a slid window); the storage is kept for reuse. */
    public void clear() {
        length = 0;
    }

    @Override
    public void close() {
        for (LayerCache layer : layers) {
            layer.close();
        }
        manager.close();
    }

    /**
     * One block's keys and values, [batch, heads, positions, headDim]. The storage for all
     * {@code capacity} positions is allocated once and new positions are written into it in place:
     * growing arrays by concatenation would copy the whole cache and allocate fresh memory every step.
     */
    public final class LayerCache {
        private NDArray keys;
        private NDArray values;

        NDArray appendKeys(NDArray newKeys) {
            keys = ensureStorage(keys, newKeys);
            return write(keys, newKeys);
        }

        NDArray appendValues(NDArray newValues) {
            values = ensureStorage(values, newValues);
            return write(values, newValues);
        }

        private NDArray ensureStorage(NDArray storage, NDArray fresh) {
            Shape s = fresh.getShape();
            if (storage != null && storage.getShape().get(0) == s.get(0)) {
                return storage;
            }
            if (storage != null) {
                if (length > 0) {
                    throw new IllegalArgumentException("the KV cache holds " + length + " positions of batch size "
                            + storage.getShape().get(0) + " but was fed batch size " + s.get(0)
                            + "; clear() it or use one cache per batch shape");
                }
                storage.close();
            }
            return manager.zeros(new Shape(s.get(0), s.get(1), capacity, s.get(3)), fresh.getDataType());
        }

        /** Writes the new positions after the stored ones; returns a view of all stored positions. */
        private NDArray write(NDArray storage, NDArray fresh) {
            long end = length + fresh.getShape().get(2);
            storage.set(new NDIndex(":, :, {}:{}", length, end), fresh);
            return storage.get(fresh.getManager(), new NDIndex(":, :, :{}", end));
        }

        /** The storage for all positions, [batch, heads, capacity, headDim]; null before the first append. */
        NDArray keyStorage() { return keys; }

        NDArray valueStorage() { return values; }

        private void close() {
            if (keys != null) keys.close();
            if (values != null) values.close();
            keys = null;
            values = null;
        }
    }
}
