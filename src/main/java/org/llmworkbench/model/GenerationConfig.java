package org.llmworkbench.model;

import java.util.Arrays;

/**
 * How to pick the next tokens.
 *
 * @param maxNewTokens how many tokens to generate at most, >= 0
 * @param temperature  0 picks the most likely token (greedy); above 0 samples from
 *                     {@code softmax(logits / temperature)}: below 1 sharper, above 1 flatter (max 100)
 * @param topK         sample only among the k most likely tokens; 0 = no limit
 * @param topP         nucleus sampling: only the smallest set of most likely tokens whose probability
 *                     reaches topP, in (0, 1]; 1 = no limit
 * @param stopTokens   ids that end generation (e.g. 50256, {@code <|endoftext|>}); not emitted
 * @param seed         seed of the sampler: the same seed gives the same tokens
 * @param useKvCache   reuse keys/values of earlier tokens (same tokens, much faster)
 */
public record GenerationConfig(int maxNewTokens, double temperature, int topK, double topP, int[] stopTokens,
                               long seed, boolean useKvCache) {

    public GenerationConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0 && temperature <= 100)) {
            throw new IllegalArgumentException("temperature must be in [0, 100] (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = no limit), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = no limit), got " + topP);
        }
        stopTokens = stopTokens == null ? new int[0] : stopTokens.clone();
        for (int id : stopTokens) {
            if (id < 0) {
                throw new IllegalArgumentException("stopTokens must be token ids >= 0, got " + id);
            }
        }
    }

    /** Always the most likely token, with the KV cache. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 0, 1, new int[0], 0, true);
    }

    /** Temperature sampling with optional top-k / top-p, with the KV cache. */
    public static GenerationConfig sampling(int maxNewTokens, double temperature, int topK, double topP, long seed) {
        if (temperature <= 0) {
            throw new IllegalArgumentException("temperature must be > 0 for sampling, got " + temperature
                    + "; use GenerationConfig.greedy for temperature 0");
        }
        return new GenerationConfig(maxNewTokens, temperature, topK, topP, new int[0], seed, true);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public boolean isStopToken(int id) {
        for (int s : stopTokens) {
            if (s == id) return true;
        }
        return false;
    }

    public GenerationConfig withMaxNewTokens(int v) { return new GenerationConfig(v, temperature, topK, topP, stopTokens, seed, useKvCache); }
    public GenerationConfig withStopTokens(int... v) { return new GenerationConfig(maxNewTokens, temperature, topK, topP, v, seed, useKvCache); }
    public GenerationConfig withSeed(long v) { return new GenerationConfig(maxNewTokens, temperature, topK, topP, stopTokens, v, useKvCache); }
    public GenerationConfig withKvCache(boolean v) { return new GenerationConfig(maxNewTokens, temperature, topK, topP, stopTokens, seed, v); }

    @Override
    public int[] stopTokens() {
        return stopTokens.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationConfig g && g.maxNewTokens == maxNewTokens && g.temperature == temperature
                && g.topK == topK && g.topP == topP && Arrays.equals(g.stopTokens, stopTokens)
                && g.seed == seed && g.useKvCache == useKvCache;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(stopTokens) * 31 + Long.hashCode(seed) + maxNewTokens;
    }

    @Override
    public String toString() {
        return "GenerationConfig[maxNewTokens=" + maxNewTokens + ", temperature=" + temperature + ", topK=" + topK
                + ", topP=" + topP + ", stopTokens=" + Arrays.toString(stopTokens) + ", seed=" + seed
                + ", useKvCache=" + useKvCache + "]";
    }
}
