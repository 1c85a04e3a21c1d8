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

    @Override
    public long tokens(Batch batch) {
        return batch.tokenCount();
    }
}
