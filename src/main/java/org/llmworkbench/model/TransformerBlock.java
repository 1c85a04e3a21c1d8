package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * One GPT block, pre-norm: {@code x + drop(att(norm1(x)))}, then {@code x + drop(ff(norm2(x)))}.
 * Normalizing before each sub-layer and adding its output back (the residual "shortcut") keeps
 * gradients flowing through dozens of stacked blocks.
 */
public final class TransformerBlock {
    private final LayerNorm norm1;
    private final GptAttention attention;
    private final LayerNorm norm2;
    private final FeedForward feedForward;
    private final float dropRate;

    TransformerBlock(LayerNorm norm1, GptAttention attention, LayerNorm norm2, FeedForward feedForward,
                     double dropRate) {
        this.norm1 = norm1;
        this.attention = attention;
        this.norm2 = norm2;
        this.feedForward = feedForward;
        this.dropRate = (float) dropRate;
    }

    /** @param cache this block's keys and values of earlier positions, or null */
    public NDArray forward(NDArray x, NDArray causalMask, KvCache.LayerCache cache, boolean training) {
        x = x.add(dropout(attention.forward(norm1.forward(x), causalMask, cache, training), training));
        return x.add(dropout(feedForward.forward(norm2.forward(x)), training));
    }

    private NDArray dropout(NDArray x, boolean training) {
        return training && dropRate > 0f ? Dropout.dropout(x, dropRate, true).singletonOrThrow() : x;
    }

    public LayerNorm norm1() { return norm1; }
    public GptAttention attention() { return attention; }
    public LayerNorm norm2() { return norm2; }
    public FeedForward feedForward() { return feedForward; }
}
