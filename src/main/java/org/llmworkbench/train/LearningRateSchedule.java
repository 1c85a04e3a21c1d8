package org.llmworkbench.train;

/**
 * The learning rate for each optimizer step. The book's appendix D schedule: a linear warmup from
 * {@code initial} to {@code peak}, then a half cosine from {@code peak} down to {@code floor} at the
 * last step. Warmup keeps the first, noisy updates of a freshly initialized model small; the cosine
 * lets the model settle into a minimum at the end.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate of optimizer step {@code step} (0-based). */
    double at(long step);

    static LearningRateSchedule constant(double lr) {
        check("lr", lr);
        return step -> lr;
    }

    /**
     * @param initial     the rate at step 0 of the warmup (the book uses a small value such as 3e-5)
     * @param peak        the rate reached after {@code warmupSteps}
     * @param floor       the rate at {@code totalSteps} and after
     * @param warmupSteps steps of linear warmup (0 starts at the peak)
     * @param totalSteps  the step at which the cosine reaches the floor
     */
    static LearningRateSchedule warmupCosine(double initial, double peak, double floor, long warmupSteps, long totalSteps) {
        check("initial", initial);
        check("peak", peak);
        check("floor", floor);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        if (totalSteps < warmupSteps) {
            throw new IllegalArgumentException("totalSteps (" + totalSteps + ") must be >= warmupSteps (" + warmupSteps + ")");
        }
        return step -> {
            if (step < warmupSteps) return initial + (peak - initial) * step / warmupSteps;
            if (step >= totalSteps) return floor;
            double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
            return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
        };
    }

    private static void check(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " learning rate must be a finite number >= 0, got " + value);
        }
    }
}
