package org.llmworkbench.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.llmworkbench.data.ClassificationBatch;
import org.llmworkbench.train.Objective;

/** Mean cross-entropy of the class logits against the labels: what the {@code Trainer} minimizes for a classifier. */
public record ClassificationObjective(GptClassifier classifier) implements Objective<ClassificationBatch> {

    @Override
    public NDArray loss(NDManager scope, ClassificationBatch batch, boolean training) {
        NDArray logits = classifier.logits(scope, batch, training);
        return crossEntropy(scope, logits, batch.labels());
    }

    /** −log softmax(logits)[label], averaged over the rows. */
    static NDArray crossEntropy(NDManager scope, NDArray logits, int[] labels) {
        int classes = Math.toIntExact(logits.getShape().get(1));
        float[] oneHot = new float[labels.length * classes];
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new IllegalArgumentException("label " + labels[r] + " in row " + r + " is outside [0, " + classes + ")");
            }
            oneHot[r * classes + labels[r]] = 1f;
        }
        NDArray target = scope.create(oneHot, new ai.djl.ndarray.types.Shape(labels.length, classes));
        return logits.logSoftmax(-1).mul(target).sum(new int[]{1}).mean().neg();
    }

    /** Real tokens (padding excluded): the tokens/s the trainer reports are message tokens. */
    @Override
    public long tokens(ClassificationBatch batch) {
        return batch.realTokens();
    }
}
