package org.llmworkbench.model;

/**
 * A back-of-the-envelope memory budget for training a GPT in fp32, in bytes.
 *
 * <p>Parameters and their gradients take 4 bytes per value each; AdamW keeps two more values per
 * parameter (first and second moment). Activations are what the backward pass must keep from the
 * forward pass; per block this implementation stores roughly 34 values per token and embedding
 * feature (norm inputs/outputs, q, k, v, attention output, the 4x-wide feed-forward hidden state and
 * the GELU intermediates) plus 3 per head and query-key pair (scores, softmax, dropout), and at the
 * end the logits and log-probabilities over the vocabulary. It is an estimate, good to a small
 * factor; framework workspace and allocator slack come on top.
 *
 * @param config          the model shape
 * @param batchSize       sequences per step
 * @param tokens          tokens per sequence
 * @param parameters      number of parameters
 * @param parameterBytes  fp32 weights
 * @param gradientBytes   fp32 gradients
 * @param optimizerBytes  AdamW moments
 * @param activationBytes saved activations for one step at batchSize x tokens
 */
public record MemoryEstimate(GptConfig config, int batchSize, int tokens, long parameters, long parameterBytes,
                             long gradientBytes, long optimizerBytes, long activationBytes) {

    private static final long FLOAT_BYTES = 4;

    public MemoryEstimate {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        if (tokens < 1 || tokens > config.contextLength()) {
            throw new IllegalArgumentException("tokens must be in [1, " + config.contextLength() + "], got " + tokens);
        }
    }

    public static MemoryEstimate of(GptConfig config, int batchSize, int tokens) {
        long params = config.parameterCount();
        long bte = (long) batchSize * tokens * config.embDim();
        long bhtt = (long) batchSize * config.nHeads() * tokens * tokens;
        long perBlock = 34 * bte + 3 * bhtt;
        long values = config.nLayers() * perBlock + 3 * bte + 2L * batchSize * tokens * config.vocabSize();
        return new MemoryEstimate(config, batchSize, tokens, params, params * FLOAT_BYTES, params * FLOAT_BYTES,
                2 * params * FLOAT_BYTES, values * FLOAT_BYTES);
    }

    /** Everything a training step needs at once. */
    public long trainingBytes() {
        return parameterBytes + gradientBytes + optimizerBytes + activationBytes;
    }

    public static double gib(long bytes) {
        return bytes / (1024.0 * 1024 * 1024);
    }
}
