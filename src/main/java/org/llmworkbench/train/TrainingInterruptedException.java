package org.llmworkbench.train;

/**
 * Training was interrupted (a notebook's stop button, a thread interrupt): the run ended at a step
 * boundary and, with a run directory, saved a checkpoint to resume from.
 */
public final class TrainingInterruptedException extends RuntimeException {
    private final transient TrainResult result;

    public TrainingInterruptedException(TrainResult result) {
        super("training interrupted after step " + result.steps()
                + (result.checkpoint() == null ? " (no run directory: nothing saved)"
                : "; checkpoint saved: " + result.checkpoint() + " (resume from it with Checkpoints.read(...))"));
        this.result = result;
    }

    public TrainResult result() {
        return result;
    }
}
