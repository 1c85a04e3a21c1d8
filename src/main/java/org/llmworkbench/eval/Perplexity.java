package org.llmworkbench.eval;

/**
 * Perplexity: {@code exp} of the mean cross-entropy (in nats) of the tokens a model predicted. It
 * reads as "the model is as unsure as if it chose uniformly among this many tokens": an untrained
 * GPT-2 is near its vocabulary size (ln 50,257 ≈ 10.82 nats → 50,257), a perfect model is 1.
 * The per-token loss itself comes from the model ({@code workbench perplexity}, the training loop).
 */
public final class Perplexity {
    private Perplexity() {}

    public static double fromMeanCrossEntropy(double meanNats) {
        if (!Double.isFinite(meanNats) || meanNats < 0) {
            throw new IllegalArgumentException("mean cross-entropy must be a finite number >= 0 nats, got " + meanNats);
        }
        return Math.exp(meanNats);
    }

    /** From a loss summed over {@code tokens} predicted tokens (windows of different lengths weigh by their tokens). */
    public static double fromTotal(double totalNats, long tokens) {
        if (tokens <= 0) {
            throw new IllegalArgumentException("perplexity needs at least one predicted token, got " + tokens);
        }
        return fromMeanCrossEntropy(totalNats / tokens);
    }

    /** The same uncertainty in bits per token: nats / ln 2. */
    public static double bitsPerToken(double meanNats) {
        return meanNats / Math.log(2);
    }
}
