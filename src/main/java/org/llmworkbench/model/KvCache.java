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
    private final int initialRoom;
    private int length;

    public KvCache(GptModel model) {
        this(model, model.config().contextLength());
    }

    /**
     * A cache whose storage starts with room for {@code expectedPositions} (say prompt + new tokens)
     * instead of the whole context: a short generation then allocates and zeroes a little memory, not
     * 2 × layers × context × embDim floats (75 MB for gpt2-small). It still holds up to
     * {@code contextLength} positions, growing its storage when needed.
     */
    public KvCache(GptModel model, int expectedPositions) {
        if (expectedPositions < 1) {
            throw new IllegalArgumentException("expectedPositions must be at least 1, got " + expectedPositions);
        }
        this.manager = model.manager().newSubManager();
        this.capacity = model.config().contextLength();
        this.initialRoom = Math.min(capacity, expectedPositions);
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

    /** Block {@code i}'s keys and values. */
    public LayerCache layer(int i) {
        return layers[i];
    }

    /**
     * Before a step that writes into the storage directly: checks the batch size against what is
     * stored and makes every layer's storage hold at least {@code positions} positions.
     */
    public void reserve(long batch, int positions) {
        for (LayerCache layer : layers) {
            if (layer.keys == null) continue; // nothing stored yet: the first append allocates
            layer.checkBatch(layer.keys, batch);
            layer.keys = layer.grow(layer.keys, positions);
            layer.values = layer.grow(layer.values, positions);
        }
    }

    /** Counts {@code tokens} more positions as stored (after a step wrote them into the storage). */
    public void advance(int tokens) {
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
     * One block's keys and values, [batch, heads, positions, headDim]. Storage is allocated ahead and
     * new positions are written into it in place: growing arrays by concatenation would copy the whole
     * cache and allocate fresh memory every step. When it runs out of room it doubles (up to the
     * context length), copying what it holds once.
     */
    public final class LayerCache {
        private NDArray keys;
        private NDArray values;

        NDArray appendKeys(NDArray newKeys) {
            keys = grow(ensureStorage(keys, newKeys), length + (int) newKeys.getShape().get(2));
            return write(keys, newKeys);
        }

        NDArray appendValues(NDArray newValues) {
            values = grow(ensureStorage(values, newValues), length + (int) newValues.getShape().get(2));
            return write(values, newValues);
        }

        private void checkBatch(NDArray storage, long batch) {
            if (length > 0 && storage.getShape().get(0) != batch) {
                throw new IllegalArgumentException("the KV cache holds " + length + " positions of batch size "
                        + storage.getShape().get(0) + " but was fed batch size " + batch
                        + "; clear() it or use one cache per batch shape");
            }
        }

        /** {@code storage}, or a larger copy of its first {@code length} positions when it holds fewer than {@code positions}. */
        private NDArray grow(NDArray storage, int positions) {
            long room = storage.getShape().get(2);
            if (positions <= room) return storage;
            if (positions > capacity) {
                throw new IllegalArgumentException("the KV cache holds at most " + capacity + " positions, asked for " + positions);
            }
            Shape s = storage.getShape();
            int bigger = (int) Math.min(capacity, Math.max(positions, 2 * room));
            NDArray larger = manager.zeros(new Shape(s.get(0), s.get(1), bigger, s.get(3)), storage.getDataType());
            if (length > 0) {
                NDIndex held = new NDIndex(":, :, :{}", length);
                try (NDArray old = storage.get(held)) {
                    larger.set(held, old);
                }
            }
            storage.close();
            return larger;
        }

        private NDArray ensureStorage(NDArray storage, NDArray fresh) {
            Shape s = fresh.getShape();
            if (storage != null && storage.getShape().get(0) == s.get(0)) {
                return storage;
            }
            if (storage != null) {
                checkBatch(storage, s.get(0));
                storage.close();
            }
            return manager.zeros(new Shape(s.get(0), s.get(1), initialRoom, s.get(3)), fresh.getDataType());
        }

        /** Writes the new positions after the stored ones; returns a view of all stored positions. */
        private NDArray write(NDArray storage, NDArray fresh) {
            long end = length + fresh.getShape().get(2);
            storage.set(new NDIndex(":, :, {}:{}", length, end), fresh);
            return storage.get(fresh.getManager(), new NDIndex(":, :, :{}", end));
        }

        /** The storage, [batch, heads, room, headDim] with room ≥ the positions held; null before the first append. */
        public NDArray keyStorage() { return keys; }

        public NDArray valueStorage() { return values; }

        private void close() {
            if (keys != null) keys.close();
            if (values != null) values.close();
            keys = null;
            values = null;
        }
    }
}
