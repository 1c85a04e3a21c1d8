package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;

import java.util.SplittableRandom;

/**
 * Inverted dropout from an explicit seed: each element is zeroed with probability {@code rate} and
 * the survivors are scaled by 1/(1-rate) so the expected value is unchanged. The mask is drawn in
 * Java so the same seed gives the same mask on any engine and thread count.
 */
public final class Dropout {
    private final double rate;
    private final SplittableRandom random;

    public Dropout(double rate, long seed) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("dropout rate = " + rate + " must be in [0, 1)");
        this.rate = rate;
        this.random = new SplittableRandom(seed);
    }

    public double rate() {
        return rate;
    }

    public NDArray apply(NDArray x) {
        if (rate == 0) return x;
        float keepScale = (float) (1.0 / (1.0 - rate));
        float[] mask = new float[Math.toIntExact(x.size())];
        for (int i = 0; i < mask.length; i++) mask[i] = random.nextDouble() < rate ? 0f : keepScale;
        return x.mul(x.getManager().create(mask, x.getShape()));
    }
}
