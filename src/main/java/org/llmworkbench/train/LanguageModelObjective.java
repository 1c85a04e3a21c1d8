package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.llmworkbench.data.Batch;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.Losses;
import org.llmworkbench.model.TokenTensors;

/**
 * Next-token prediction: the model reads the inputs, and the loss is the mean cross-entropy of its
 * predictions against the targets (the inputs shifted by one). Targets equal to −100 are ignored.
 */
public record LanguageModelObjective(GptModel model) implements Objective<Batch> {

    @Override
    public NDArray loss(NDManager scope, Batch batch, boolean training) {
        NDArray logits = model.forward(TokenTensors.inputs(scope, batch), training);
        return Losses.crossEntropy(logits, TokenTensors.targets(scope, batch));
    }

    /**
     * The same loss for a training step. When the batch has at least twice as many positions as the
     * model is wide, the output head's gradient is worked out directly rather than recorded
     * ({@link FusedHeadLoss}: the same gradients, three fewer passes over [positions, vocab]); that
     * costs a few passes over the head's [vocab, width] weight, which only pays off then.
     */
    @Override
    public TrainingLoss trainingLoss(NDManager scope, Batch batch) {
        if (batch.tokenCount() < 2L * model.config().embDim()) {
            return Objective.super.trainingLoss(scope, batch);
        }
        NDArray hidden = model.hidden(TokenTensors.inputs(scope, batch), true);
        return FusedHeadLoss.of(hidden, model.outHead(), TokenTensors.targets(scope, batch), Losses.IGNORE_INDEX);
    }

    @Override
    public long tokens(Batch batch) {
        return batch.tokenCount();
    }
}
