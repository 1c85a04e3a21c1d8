package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * Batched causal multi-head self-attention (the step-by-step book version is
 * {@code attention.MultiHeadAttention}). Each of {@code nHeads} heads scores every earlier position,
 * scaled by {@code 1/sqrt(headDim)}; the heads' weighted sums of values are concatenated and
 * projected. A {@link KvCache.LayerCache} supplies the keys and values of earlier tokens.
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

    /** x [batch, tokens, embDim]; causalMask additive [tokens, keys] or null (all keys visible); cache or null. */
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
        NDArray scores = q.mul(TensorMemory.scalar(q.getManager(), 1.0 / Math.sqrt(headDim))).matMul(k.transpose(0, 1, 3, 2));
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
