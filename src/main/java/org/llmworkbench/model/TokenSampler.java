package org.llmworkbench.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns one row of logits into a token id: argmax when greedy, otherwise temperature scaling,
 * then top-k, then top-p (nucleus) filtering, then one draw from the seeded generator. Done in
 * plain Java on the host: one vocabulary-sized row per step is cheap to copy and keeps sampling
 * exactly reproducible.
 */
public final class TokenSampler {
    private final GenerationConfig config;
    private final SplittableRandom random;

    public TokenSampler(GenerationConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    public int next(float[] logits) {
        if (config.isGreedy()) {
            return argmax(logits);
        }
        int n = logits.length;
        double[] scaled = new double[n];
        double top = Double.NEGATIVE_INFINITY;
        for (float l : logits) top = Math.max(top, l);
        // shifted before dividing, so that a tiny temperature cannot overflow to infinity: the best token gets 0
        double max = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = (logits[i] - top) / config.temperature();
        }
        if (config.topK() > 0 && config.topK() < n) {
            double threshold = kthLargest(scaled, config.topK());
            for (int i = 0; i < n; i++) {
                if (scaled[i] < threshold) scaled[i] = Double.NEGATIVE_INFINITY;
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = Math.exp(scaled[i] - max);
            sum += scaled[i];
        }
        for (int i = 0; i < n; i++) {
            scaled[i] /= sum;
        }
        if (config.topP() < 1) {
            keepNucleus(scaled, config.topP());
        }
        return draw(scaled);
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) best = i;
        }
        return best;
    }

    private static double kthLargest(double[] values, int k) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length - k];
    }

    /** Zeroes every probability outside the smallest top set whose mass reaches {@code p}. */
    private static void keepNucleus(double[] probs, double p) {
        // Sort (probability, id) pairs packed into longs: float bits of a non-negative number keep its
        // order, and the id in the low bits breaks ties towards the lower id. No boxing, one sort.
        long[] keyed = new long[probs.length];
        int candidates = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > 0) {
                keyed[candidates++] = ((long) Float.floatToIntBits((float) probs[i]) << 32) | (0xFFFFFFFFL - i);
            }
        }
        Arrays.sort(keyed, 0, candidates);
        double cumulative = 0;
        int kept = 0;
        for (int j = candidates - 1; j >= 0 && cumulative < p; j--) {
            cumulative += probs[(int) (0xFFFFFFFFL - (keyed[j] & 0xFFFFFFFFL))];
            kept++;
        }
        for (int j = candidates - 1 - kept; j >= 0; j--) {
            probs[(int) (0xFFFFFFFFL - (keyed[j] & 0xFFFFFFFFL))] = 0;
        }
    }

    private int draw(double[] probs) {
        double total = 0;
        for (double q : probs) total += q;
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] <= 0) continue;
            cumulative += probs[i];
            last = i;
            if (u < cumulative) return i;
        }
        return last;
    }
}
