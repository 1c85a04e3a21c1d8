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
     * backward needs). Arrays made there from Java data ({@code scope.create(ids, shape)}: token ids,
     * one-hot targets, masks) are the exception: their memory is a Java buffer that only the open array
     * keeps alive, so the trainer keeps them open until backward is done
     * ({@link org.llmworkbench.model.TensorMemory#keepJavaBacked}). Multiply or divide by a number
     * through {@link org.llmworkbench.model.TensorMemory#scalar}, not {@code x.mul(0.5f)}: DJL closes
     * that number's array at once while autograd keeps it for backward. Keep nothing from
     * {@code scope} beyond this call.
     *
     * @param training true during optimization (dropout on), false for evaluation
     */
    NDArray loss(NDManager scope, B batch, boolean training);

    /**
     * One training batch's loss: the value to report and a scalar for autograd whose gradient is the
     * loss's. The two are the same array unless an objective works part of the gradient out itself
     * (as {@link LanguageModelObjective} does for the output head, see {@link FusedHeadLoss}). Same
     * scope rules as {@link #loss}.
     */
    default TrainingLoss trainingLoss(NDManager scope, B batch) {
        NDArray loss = loss(scope, batch, true);
        return new TrainingLoss(loss.getFloat(), loss);
    }

    /**
     * @param value          the batch's mean loss
     * @param differentiable what backward starts from: its gradient is the loss's gradient
     */
    record TrainingLoss(float value, NDArray differentiable) {}

    /** Tokens this batch feeds the model (for tokens seen and tokens/s). */
    long tokens(B batch);
}
