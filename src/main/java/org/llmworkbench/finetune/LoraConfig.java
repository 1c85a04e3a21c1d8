package org.llmworkbench.finetune;

/**
 * LoRA settings: the rank r of every adapter and alpha, which scales the adapters' output by
 * {@code alpha / r}. The book's appendix E uses r = 16, alpha = 16 on GPT-2 small.
 */
public record LoraConfig(int rank, double alpha) {

    public LoraConfig {
        if (rank < 1) throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
    }

    public double scale() {
        return alpha / rank;
    }

    /** Trainable values of one adapted layer [out, in]: A [r, in] plus B [out, r]. */
    public long adapterParameters(long in, long out) {
        return (long) rank * (in + out);
    }
}
