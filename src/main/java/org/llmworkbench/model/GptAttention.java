package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
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
    private final Dense query;
    private final Dense key;
    private final Dense value;
    private final Dense out;

    GptAttention(GptConfig config, Dense query, Dense key, Dense value, Dense out) {
        this.nHeads = config.nHeads();
        this.headDim = config.headDim();
        this.dropRate = (float) config.dropRate();
        this.query = query;
        this.key = key;
        this.value = value;
        this.out = out;
    }

    /**
     * @param x          [batch, tokens, embDim]
     * @param causalMask additive mask [tokens, keys] (0 where allowed, -inf in the future), or null
     *                   when every key may be seen (a single new token against its cache)
     * @param cache      this layer's key/value cache, or null
     */
    public NDArray forward(NDArray x, NDArray causalMask, KvCache.LayerCache cache, boolean training) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        NDArray q = heads(query.forward(x), batch, tokens);
        NDArray k = heads(key.forward(x), batch, tokens);
        NDArray v = heads(value.forward(x), batch, tokens);
        if (cache != null) {
            k = cache.appendKeys(k);
            v = cache.appendValues(v);
        }
        NDArray scores = q.mul(1.0 / Math.sqrt(headDim)).matMul(k.transpose(0, 1, 3, 2));
        if (causalMask != null) {
            scores = scores.add(causalMask);
        }
        NDArray weights = scores.softmax(-1);
        if (training && dropRate > 0f) {
            weights = Dropout.dropout(weights, dropRate, true).singletonOrThrow();
        }
        NDArray context = weights.matMul(v).transpose(0, 2, 1, 3).reshape(batch, tokens, (long) nHeads * headDim);
        return out.forward(context);
    }

    /** [batch, tokens, embDim] → [batch, heads, tokens, headDim]. */
    private NDArray heads(NDArray projected, long batch, long tokens) {
        return projected.reshape(batch, tokens, nHeads, headDim).transpose(0, 2, 1, 3);
    }

    public int nHeads() { return nHeads; }

    public int headDim() { return headDim; }

    public Dense query() { return query; }

    public Dense key() { return key; }

    public Dense value() { return value; }

    /** {@code out_proj}: the heads' concatenated outputs back to embDim. */
    public Dense out() { return out; }
}
