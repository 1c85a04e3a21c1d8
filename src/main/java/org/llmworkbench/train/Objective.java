package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What a training run minimizes, for one kind of batch: next-token cross-entropy for pretraining
 * and instruction tuning, class cross-entropy for a classifier, the DPO loss for preferences.
 * The {@link Trainer} is the same for all of them.
 *
 * @param <B> the batch type
 */
public interface Objective<B> {

    /**
     * The mean loss of one batch as a scalar NDArray. Arrays created on the way belong to
     * {@code scope}, which the trainer closes after the step.
     *
     * @param training true during optimization (dropout on), false for evaluation
     */
    NDArray loss(NDManager scope, B batch, boolean training);

    /** Tokens this batch feeds the model (for tokens seen and tokens/s). */
    long tokens(B batch);
}
