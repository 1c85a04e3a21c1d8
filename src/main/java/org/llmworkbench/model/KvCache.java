package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

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

    /** Forget everything (to re-prefill a slid window). */
    public void clear() {
        for (LayerCache layer : layers) {
            layer.clear();
        }
        length = 0;
    }

    @Override
    public void close() {
        clear();
        manager.close();
    }

    /** One block's keys and values, [batch, heads, positions, headDim]. */
    public final class LayerCache {
        private NDArray keys;
        private NDArray values;

        NDArray appendKeys(NDArray newKeys) {
            keys = append(keys, newKeys);
            return keys;
        }

        NDArray appendValues(NDArray newValues) {
            values = append(values, newValues);
            return values;
        }

        private NDArray append(NDArray stored, NDArray fresh) {
            NDArray combined = stored == null ? fresh : NDArrays.concat(new NDList(stored, fresh), 2);
            combined.attach(manager);
            if (stored != null) {
                stored.close();
            }
            return combined;
        }

        private void clear() {
            if (keys != null) keys.close();
            if (values != null) values.close();
            keys = null;
            values = null;
        }
    }
}
