package org.llmworkbench.train;

import java.nio.file.Path;

/**
 * Hears what a {@link Trainer} does. The trainer knows no terminal and no notebook: the CLI's
 * progress line and a notebook's live chart are listeners plugged in from above.
 */
public interface TrainingListener {

    /** @param startStep optimizer steps already done (non-zero when resuming) */
    record Plan(long totalSteps, long startStep, int batchesPerEpoch, int gradAccumulation, long trainableParameters) {}

    record Step(long step, long totalSteps, int epoch, long tokens, double loss, double learningRate, double gradNorm,
                double tokensPerSecond, double elapsedSeconds, double etaSeconds) {}

    /** Mean losses over the evaluation batches; {@code valLoss} is NaN without validation data. */
    record Eval(long step, long tokens, double trainLoss, double valLoss) {
        public double valPerplexity() {
            return Math.exp(valLoss);
        }
    }

    default void onStart(Plan plan) {}

    default void onStep(Step step) {}

    default void onEval(Eval eval) {}

    default void onSample(long step, String text) {}

    default void onCheckpoint(long step, Path json) {}

    default void onEnd(TrainResult result) {}
}
