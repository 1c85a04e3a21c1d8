package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/**
 * Batched causal multi-head self-attention, the model's production version. The step-by-step
 * teaching classes live in {@code org.llmworkbench.model.attention}, where the book's
 * {@code MultiHeadAttention} keeps its name; this one is named apart so both packages can be
 * star-imported in one notebook.
 *
 * <p>Queries, keys and values are split into {@code nHeads} heads of width {@code embDim / nHeads};
 * each head scores every earlier position, the scores are scaled by {@code 1/sqrt(headDim)} so the
 * softmax does not saturate, future positions are masked out, and the heads' weighted sums of values
 * are concatenated and projected. With a {@link KvCache.LayerCache} the keys and values of earlier
 * tokens are reused instead of being recomputed.
 */
public final class GptAttention {
    private final int nHeads;
    private final int headDim;
    private final float dropRate;
    private final NDArray wQuery;
    private final NDArray bQuery;
    private final NDArray wKey;
    private final NDArray bKey;
    private final NDArray wValue;
    private final NDArray bValue;
    private final NDArray wOut;
    private final NDArray bOut;
    private final NDArray scale;

    GptAttention(GptConfig config, NDManager manager,
                       NDArray wQuery, NDArray bQuery, NDArray wKey, NDArray bKey,
                       NDArray wValue, NDArray bValue, NDArray wOut, NDArray bOut) {
        this.nHeads = config.nHeads();
        this.headDim = config.headDim();
        this.dropRate = (float) config.dropRate();
        this.wQuery = wQuery;
        this.bQuery = bQuery;
        this.wKey = wKey;
        this.bKey = bKey;
        this.wValue = wValue;
        this.bValue = bValue;
        this.wOut = wOut;
        this.bOut = bOut;
        this.scale = manager.create((float) (1.0 / Math.sqrt(headDim)));
    }

    /**
     * @param x         [batch, tokens, embDim]
     * @param causalMask additive mask [tokens, keys] (0 where allowed, -inf in the future), or null
     *                  when every key may be seen (a single new token against its cache)
     * @param cache     this layer's key/value cache, or null
     */
    public NDArray forward(NDArray x, NDArray causalMask, KvCache.LayerCache cache, boolean training) {
        return forward(x, causalMask, cache, training, false);
    }

    /** @param inPlace scale and mask the scores in place (only when no gradient is recorded) */
    NDArray forward(NDArray x, NDArray causalMask, KvCache.LayerCache cache, boolean training, boolean inPlace) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        NDArray q = heads(Linear.linear(x, wQuery, bQuery).singletonOrThrow(), batch, tokens);
        NDArray k = heads(Linear.linear(x, wKey, bKey).singletonOrThrow(), batch, tokens);
        NDArray v = heads(Linear.linear(x, wValue, bValue).singletonOrThrow(), batch, tokens);
        if (cache != null) {
            k = cache.appendKeys(k);
            v = cache.appendValues(v);
        }
        NDArray scores;
        if (inPlace) {
            scores = q.matMul(k.transpose(0, 1, 3, 2)).muli(scale);
            if (causalMask != null) {
                scores.addi(causalMask);
            }
        } else {
            scores = q.mul(scale).matMul(k.transpose(0, 1, 3, 2));
            if (causalMask != null) {
                scores = scores.add(causalMask);
            }
        }
        NDArray weights = scores.softmax(-1);
        if (training && dropRate > 0f) {
            weights = Dropout.dropout(weights, dropRate, true).singletonOrThrow();
        }
        NDArray context = weights.matMul(v);
        context = tokens == 1 ? context.reshape(batch, 1, (long) nHeads * headDim)
                : context.transpose(0, 2, 1, 3).reshape(batch, tokens, (long) nHeads * headDim);
        return Linear.linear(context, wOut, bOut).singletonOrThrow();
    }

    int nHeads() { return nHeads; }

    int headDim() { return headDim; }

    NDArray scale() { return scale; }

    /** Query, key and value weights and biases (biases null without qkvBias), then out_proj's. */
    NDArray[] weights() {
        return new NDArray[] {wQuery, bQuery, wKey, bKey, wValue, bValue, wOut, bOut};
    }

    /** [batch, tokens, embDim] → [batch, heads, tokens, headDim]. */
    private NDArray heads(NDArray projected, long batch, long tokens) {
        if (tokens == 1) {
            return projected.reshape(batch, nHeads, 1, headDim); // one token: the transpose would move nothing
        }
        return projected.reshape(batch, tokens, nHeads, headDim).transpose(0, 2, 1, 3);
    }
}
