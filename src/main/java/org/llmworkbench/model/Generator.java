package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.model.decode.ShardedDecode;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * Autoregressive generation: feed the sequence, pick the next token from the last position's
 * logits, append it, repeat.
 *
 * <p>Context handling. A prompt longer than the model's context is left-truncated: only its last
 * {@code contextLength} ids are used ({@link GenerationResult#promptDropped()} says how many were
 * cut). Generation past the context slides the window: without the cache each step sees the last
 * {@code contextLength} tokens; with the cache, once it holds {@code contextLength} positions it is
 * cleared and re-prefilled with the last {@code contextLength} tokens, which gives exactly the
 * tokens the no-cache path gives (at no-cache speed from then on).
 *
 * <p>Each step asks a {@link Decoder} for the logits: the fastest one for the model's device
 * ({@link ShardedDecode}), which equals the plain forward pass up to float rounding.
 *
 * <p>Each step runs in its own NDManager sub-scope that is closed at the end of the step; only the
 * KV cache (in its own manager, closed at the end) outlives a step, so nothing accumulates.
 */
public final class Generator {
    private Generator() {}

    public static GenerationResult generate(GptModel model, int[] prompt, GenerationConfig config) {
        return generate(model, prompt, config, token -> { });
    }

    /**
     * @param onToken called with each new token id as soon as it is chosen (streaming)
     */
    public static GenerationResult generate(GptModel model, int[] prompt, GenerationConfig config, IntConsumer onToken) {
        return generateUntil(model, prompt, config, token -> {
            onToken.accept(token);
            return false;
        });
    }

    /**
     * Like {@link #generate(GptModel, int[], GenerationConfig, IntConsumer)}, and {@code done} may end
     * generation after any token (it returns true, e.g. once the text completes a stop string; stop
     * reason {@code "stop-condition"}). The token it was given is kept.
     */
    public static GenerationResult generateUntil(GptModel model, int[] prompt, GenerationConfig config, IntPredicate done) {
        model.requireOpen();
        int context = model.config().contextLength();
        int vocab = model.config().vocabSize();
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token id");
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw new IllegalArgumentException("prompt token " + prompt[i] + " at position " + i
                        + " is outside the model's vocabulary [0, " + vocab + ")");
            }
        }
        for (int id : config.stopTokens()) {
            if (id >= vocab) {
                throw new IllegalArgumentException("stop token " + id + " is outside the model's vocabulary [0, " + vocab
                        + "): generation could never stop on it");
            }
        }
        int dropped = Math.max(0, prompt.length - context);
        int[] used = Arrays.copyOfRange(prompt, dropped, prompt.length);

        int[] sequence = Arrays.copyOf(used, used.length + config.maxNewTokens());
        int length = used.length;
        int generated = 0;
        String stopReason = "max-tokens";
        TokenSampler sampler = new TokenSampler(config);
        long start = System.nanoTime();
        long prefillNanos = 0;
        try (Decoder decoder = ShardedDecode.forModel(model);
             KvCache cache = config.useKvCache() ? new KvCache(model, (int) Math.min(context, (long) used.length + config.maxNewTokens())) : null) {
            while (generated < config.maxNewTokens()) {
                float[] logits;
                try (NDManager step = model.manager().newSubManager()) {
                    logits = nextLogits(model, decoder, cache, step, sequence, length);
                }
                int next = sampler.next(logits);
                if (generated == 0) {
                    prefillNanos = System.nanoTime() - start;
                }
                if (config.isStopToken(next)) {
                    stopReason = "stop-token";
                    break;
                }
                sequence[length++] = next;
                generated++;
                if (done.test(next)) {
                    stopReason = "stop-condition";
                    break;
                }
            }
        }
        long total = System.nanoTime() - start;
        return new GenerationResult(used, dropped, Arrays.copyOfRange(sequence, used.length, length), stopReason,
                prefillNanos, total);
    }

    /** Logits of the position after {@code sequence[0..length)}. */
    private static float[] nextLogits(GptModel model, Decoder decoder, KvCache cache, NDManager step, int[] sequence, int length) {
        int context = model.config().contextLength();
        int from;
        if (cache == null) {
            from = Math.max(0, length - context);
        } else if (cache.length() == 0 || cache.length() != length - 1 || cache.isFull()) {
            // (Re-)prefill: first step, or the window slid past the cache's capacity.
            cache.clear();
            from = Math.max(0, length - context);
        } else {
            from = length - 1;
        }
        long[] ids = new long[length - from];
        for (int i = from; i < length; i++) {
            ids[i - from] = sequence[i];
        }
        NDArray input = step.create(ids, new Shape(1, ids.length));
        return decoder.nextLogits(input, cache).toFloatArray();
    }
}
