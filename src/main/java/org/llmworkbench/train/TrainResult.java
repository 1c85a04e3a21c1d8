package org.llmworkbench.train;

import tech.tablesaw.api.Table;

import java.nio.file.Path;

/**
 * How a run ended.
 *
 * @param steps          optimizer steps done in total (including those before a resume)
 * @param tokens         training tokens seen in total
 * @param trainLoss      mean train loss at the last evaluation
 * @param valLoss        mean validation loss at the last evaluation (NaN without validation data)
 * @param bestValLoss    the lowest validation loss of any evaluation
 * @param wallSeconds    wall time of this run (not counting time before a resume)
 * @param tokensPerSecond training throughput of this run, evaluation excluded
 * @param stopped        true when the run was stopped early (interrupt, Ctrl-C, {@link Trainer#requestStop()})
 * @param checkpoint     the last checkpoint's JSON file, or null when the run had no run directory
 */
public record TrainResult(long steps, long tokens, double trainLoss, double valLoss, double bestValLoss,
                          double wallSeconds, double tokensPerSecond, boolean stopped, Path checkpoint,
                          Table metrics) {

    /** The loss of every optimizer step, in order (evaluation-only rows left out). */
    public double[] stepLosses() {
        return java.util.Arrays.stream(metrics.doubleColumn("loss").asDoubleArray()).filter(v -> !Double.isNaN(v)).toArray();
    }
}
