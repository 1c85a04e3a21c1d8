package org.llmworkbench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.Losses;

/**
 * Perplexity: {@code exp} of the mean cross-entropy (in nats) of the tokens a model predicted. It
 * reads as "the model is as unsure as if it chose uniformly among this many tokens": an untrained
 * GPT-2 is near its vocabulary size (ln 50,257 ≈ 10.82 nats → 50,257), a perfect model is 1.
 * {@link #of} scores a token sequence with a model ({@code workbench perplexity} calls it); the
 * training loop's losses turn into perplexity with {@link #fromMeanCrossEntropy}.
 */
public final class Perplexity {
    private Perplexity() {}

    /** A scored sequence: tokens predicted, in how many windows of at most {@code window} tokens, and their mean loss in nats. */
    public record Result(long tokens, int windows, int window, double crossEntropy) {
        public double perplexity() {
            return Math.exp(crossEntropy);
        }
    }

    /** Told after each window: its number (from 1), the positions it predicted, the mean loss so far. */
    public interface WindowListener {
        void windowDone(int number, int from, int to, double meanSoFar);
    }

    /** {@link #of(GptModel, int[], int, WindowListener)} without a listener. */
    public static Result of(GptModel model, int[] ids, int window) {
        return of(model, ids, window, (n, from, to, mean) -> { });
    }

    /**
     * The model's mean cross-entropy over {@code ids}: the sequence is cut into consecutive windows of
     * at most {@code window} inputs, each predicting the token after each of its inputs, so every token
     * but the first is predicted once (no overlap: a window starts without the context before it).
     */
    public static Result of(GptModel model, int[] ids, int window, WindowListener listener) {
        int context = model.config().contextLength();
        int vocab = model.config().vocabSize();
        if (window < 1 || window > context) {
            throw new IllegalArgumentException("window must be in [1, " + context + "] (the model's context length), got " + window);
        }
        if (ids.length < 2) {
            throw new IllegalArgumentException("need at least 2 tokens to measure perplexity, got " + ids.length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is outside the model's vocabulary [0, " + vocab + ")");
            }
        }
        double totalLoss = 0;
        long predicted = 0;
        int windows = 0;
        for (int from = 0; from + 1 < ids.length; from += window) {
            int length = Math.min(window, ids.length - 1 - from);
            long[] inputs = new long[length];
            long[] targets = new long[length];
            for (int i = 0; i < length; i++) {
                inputs[i] = ids[from + i];
                targets[i] = ids[from + i + 1];
            }
            try (NDManager step = model.manager().newSubManager()) {
                NDArray logits = model.forward(step.create(inputs, new Shape(1, length)));
                double mean = Losses.crossEntropy(logits, step.create(targets, new Shape(1, length))).getFloat();
                totalLoss += mean * length;
            }
            predicted += length;
            windows++;
            listener.windowDone(windows, from, from + length, totalLoss / predicted);
        }
        return new Result(predicted, windows, window, totalLoss / predicted);
    }

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
