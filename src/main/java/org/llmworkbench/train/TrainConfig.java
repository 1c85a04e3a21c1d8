package org.llmworkbench.train;

/**
 * Everything that decides how a run trains, apart from the model and the data. Build one with
 * {@link #builder()}; every value is checked when it is built, and a bad one fails naming the field.
 *
 * @param maxSteps        stop after this many optimizer steps (0: no step limit)
 * @param maxEpochs       stop after this many passes over the training batches (0: no epoch limit)
 * @param maxTokens       stop once this many training tokens were seen (0: no token limit)
 * @param gradAccumulation micro-batches whose gradients add up to one optimizer step
 * @param learningRate    the peak learning rate (> 0)
 * @param initialLearningRate the rate at the start of warmup
 * @param minLearningRate the floor of the cosine decay
 * @param warmupSteps     linear warmup steps
 * @param cosine          decay with a half cosine after warmup; otherwise constant
 * @param optimizer       AdamW's betas, eps, weight decay and which parameters decay
 * @param clipNorm        global-norm gradient clipping threshold (0: no clipping)
 * @param evalEvery       evaluate every this many steps (0: only at the end)
 * @param evalBatches     batches of each split averaged per evaluation (0: all of them)
 * @param sampleEvery     generate a sample every this many steps (0: never)
 * @param checkpointEvery save a checkpoint every this many steps (0: only at the end); needs a run directory
 * @param keepLast        checkpoints kept besides the best one
 * @param seed            seeds dropout (per step, so a resumed run draws the same masks)
 */
public record TrainConfig(long maxSteps, int maxEpochs, long maxTokens, int gradAccumulation,
                          double learningRate, double initialLearningRate, double minLearningRate, long warmupSteps,
                          boolean cosine, AdamW.Settings optimizer, double clipNorm,
                          int evalEvery, int evalBatches, int sampleEvery, int checkpointEvery, int keepLast, long seed) {

    public TrainConfig {
        nonNegative("maxSteps", maxSteps);
        nonNegative("maxEpochs", maxEpochs);
        nonNegative("maxTokens", maxTokens);
        if (maxSteps == 0 && maxEpochs == 0 && maxTokens == 0) {
            throw new IllegalArgumentException("set at least one of maxSteps, maxEpochs or maxTokens: the run needs an end");
        }
        if (gradAccumulation < 1) throw new IllegalArgumentException("gradAccumulation must be >= 1, got " + gradAccumulation);
        if (!(learningRate > 0) || learningRate > 10) {
            throw new IllegalArgumentException("learningRate must be in (0, 10] (0 would train nothing), got " + learningRate);
        }
        rate("initialLearningRate", initialLearningRate);
        rate("minLearningRate", minLearningRate);
        nonNegative("warmupSteps", warmupSteps);
        if (optimizer == null) throw new IllegalArgumentException("optimizer settings are required");
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clipNorm must be >= 0 (0 turns clipping off), got " + clipNorm);
        nonNegative("evalEvery", evalEvery);
        nonNegative("evalBatches", evalBatches);
        nonNegative("sampleEvery", sampleEvery);
        nonNegative("checkpointEvery", checkpointEvery);
        if (keepLast < 1) throw new IllegalArgumentException("keepLast must be >= 1, got " + keepLast);
    }

    private static void nonNegative(String field, long value) {
        if (value < 0) throw new IllegalArgumentException(field + " must be >= 0, got " + value);
    }

    private static void rate(String field, double value) {
        if (!(value >= 0) || value > 10) {
            throw new IllegalArgumentException(field + " must be in [0, 10], got " + value);
        }
    }

    /** The schedule for a run of {@code totalSteps} optimizer steps. */
    public LearningRateSchedule schedule(long totalSteps) {
        if (!cosine && warmupSteps == 0) return LearningRateSchedule.constant(learningRate);
        long warmup = Math.min(warmupSteps, totalSteps);
        if (!cosine) {
            return LearningRateSchedule.warmupCosine(initialLearningRate, learningRate, learningRate, warmup, warmup);
        }
        return LearningRateSchedule.warmupCosine(initialLearningRate, learningRate, minLearningRate, warmup, totalSteps);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this config's values. */
    public Builder toBuilder() {
        return builder().maxSteps(maxSteps).maxEpochs(maxEpochs).maxTokens(maxTokens)
                .gradAccumulation(gradAccumulation).learningRate(learningRate)
                .schedule(initialLearningRate, warmupSteps, minLearningRate, cosine).optimizer(optimizer)
                .clipNorm(clipNorm).evalEvery(evalEvery).evalBatches(evalBatches).sampleEvery(sampleEvery)
                .checkpointEvery(checkpointEvery).keepLast(keepLast).seed(seed);
    }

    /** Defaults: AdamW (0.9, 0.999, 1e-8), lr 4e-4, weight decay 0.1 on weight matrices, constant rate. */
    public static final class Builder {
        private long maxSteps;
        private int maxEpochs;
        private long maxTokens;
        private int gradAccumulation = 1;
        private double learningRate = 4e-4;
        private double initialLearningRate = 0;
        private double minLearningRate = 0;
        private long warmupSteps;
        private boolean cosine;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay = 0.1;
        private AdamW.DecayPolicy decay = AdamW.DecayPolicy.MATRICES;
        private double clipNorm;
        private int evalEvery;
        private int evalBatches;
        private int sampleEvery;
        private int checkpointEvery;
        private int keepLast = 2;
        private long seed = 123;

        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder maxEpochs(int v) { maxEpochs = v; return this; }
        public Builder maxTokens(long v) { maxTokens = v; return this; }
        public Builder gradAccumulation(int v) { gradAccumulation = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        /** Linear warmup from {@code initial} over {@code steps}, then a cosine down to {@code floor}. */
        public Builder warmupCosine(double initial, long steps, double floor) {
            return schedule(initial, steps, floor, true);
        }
        private Builder schedule(double initial, long steps, double floor, boolean cosine) {
            initialLearningRate = initial;
            warmupSteps = steps;
            minLearningRate = floor;
            this.cosine = cosine;
            return this;
        }
        public Builder constantRate() { cosine = false; warmupSteps = 0; return this; }
        public Builder optimizer(AdamW.Settings s) {
            return betas(s.beta1(), s.beta2()).eps(s.eps()).weightDecay(s.weightDecay()).decay(s.decay());
        }
        public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Builder eps(double v) { eps = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder decay(AdamW.DecayPolicy v) { decay = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder evalBatches(int v) { evalBatches = v; return this; }
        public Builder sampleEvery(int v) { sampleEvery = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder keepLast(int v) { keepLast = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(maxSteps, maxEpochs, maxTokens, gradAccumulation, learningRate, initialLearningRate,
                    minLearningRate, warmupSteps, cosine, new AdamW.Settings(beta1, beta2, eps, weightDecay, decay),
                    clipNorm, evalEvery, evalBatches, sampleEvery, checkpointEvery, keepLast, seed);
        }
    }
}
