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
     * {@code scope}, which the trainer closes as soon as the loss is computed: before backward, as
     * PyTorch frees a temporary with its last reference (autograd keeps its own references to what
     * backward needs). Keep nothing from {@code scope} beyond this call.
     *
     * @param training true during optimization (dropout on), false for evaluation
     */
    NDArray loss(NDManager scope, B batch, boolean training);

    /** Tokens this batch feeds the model (for tokens seen and tokens/s). */
    long tokens(B batch);
}
