package org.llmworkbench.model.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.attention.MultiHeadAttention;

/**
 * One transformer block assembled from the teaching pieces, pre-norm as in GPT-2:
 * {@code x + att(norm1(x))}, then {@code x + ff(norm2(x))}. Its output has its input's shape
 * [batch, tokens, embDim], which is what lets GPT stack a dozen of them. (The production block in
 * {@link org.llmworkbench.model.GptModel} computes the same with fused operations.)
 */
public final class GptBlock implements AutoCloseable {
    private final LayerNormalization norm1;
    private final MultiHeadAttention attention;
    private final LayerNormalization norm2;
    private final FeedForwardNetwork feedForward;

    public GptBlock(NDManager manager, GptConfig config, long seed) {
        int e = config.embDim();
        norm1 = new LayerNormalization(manager, e);
        attention = new MultiHeadAttention(manager, e, e, config.contextLength(), config.dropRate(), config.nHeads(),
                config.qkvBias(), seed);
        norm2 = new LayerNormalization(manager, e);
        feedForward = new FeedForwardNetwork(manager, e);
    }

    /** [batch, tokens, embDim] → the same shape; evaluation mode (no dropout). */
    public NDArray forward(NDArray x) {
        if (x.getShape().dimension() != 3) throw new IllegalArgumentException("input must be [batch, tokens, embDim], got " + x.getShape());
        NDArray afterAttention = x.add(attention.forward(norm1.forward(x)));
        return afterAttention.add(feedForward.forward(norm2.forward(afterAttention)));
    }

    /** Two norms, the attention projections (with out_proj) and the feed-forward network. */
    public long parameterCount() {
        long attentionParameters = attention.parameters().values().stream().mapToLong(NDArray::size).sum();
        return norm1.parameterCount() + attentionParameters + norm2.parameterCount() + feedForward.parameterCount();
    }

    @Override
    public void close() {
        attention.close();
    }
}
