package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.llmworkbench.data.Batch;
import org.llmworkbench.model.GptConfig;
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
     * The same loss for a training step. When the batch's logits are big (at least 2<sup>24</sup>
     * cells, e.g. GPT-2's vocabulary at 8 × 128 positions) and the batch has at least twice as many
     * positions as the model is wide, the output head's gradient is worked out directly rather than
     * recorded ({@link FusedHeadLoss}: the same gradients, three fewer passes over [positions, vocab]).
     * That costs a few passes over the head's [vocab, width] weight and some fixed work per step, so
     * it only pays off then (measured: 1.5× faster steps for 4×128 with GPT-2's vocabulary; 30 %
     * slower for shakespeare-char's 65 characters; slower for gpt2-small at batch 2 × 256).
     */
    @Override
    public TrainingLoss trainingLoss(NDManager scope, Batch batch) {
        GptConfig config = model.config();
        if (!fusedHeadPays(batch.tokenCount(), config.vocabSize(), config.embDim())) {
            return Objective.super.trainingLoss(scope, batch);
        }
        return fusedTrainingLoss(scope, batch);
    }

    /** Whether {@link #trainingLoss} takes the fused head for this many positions, vocabulary and width. */
    static boolean fusedHeadPays(long positions, long vocab, long width) {
        return positions * vocab >= (1L << 24) && positions >= 2 * width;
    }

    /** The training loss with the fused head whatever the sizes (tests compare it with the recorded one). */
    TrainingLoss fusedTrainingLoss(NDManager scope, Batch batch) {
        NDArray hidden = model.hidden(TokenTensors.inputs(scope, batch), true);
        return FusedHeadLoss.of(hidden, model.outHead(), TokenTensors.targets(scope, batch), Losses.IGNORE_INDEX);
    }

    @Override
    public long tokens(Batch batch) {
        return batch.tokenCount();
    }
}
