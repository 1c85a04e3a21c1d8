package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Losses for next-token prediction, composed from NDArray ops so they are differentiable inside a
 * DJL {@code GradientCollector}.
 */
public final class Losses {
    /** PyTorch's default ignore index: targets equal to it (e.g. padding) do not count. */
    public static final int IGNORE_INDEX = -100;

    private Losses() {}

    /** {@link #crossEntropy(NDArray, NDArray, int)} with ignore index -100. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return crossEntropy(logits, targets, IGNORE_INDEX);
    }

    /**
     * Mean cross-entropy {@code -log softmax(logits)[target]} over every position whose target is not
     * {@code ignoreIndex}.
     *
     * @param logits  [..., vocab] unnormalized scores (e.g. [batch, tokens, vocab])
     * @param targets [...] integer ids matching the leading axes of {@code logits}
     * @return a scalar; NaN when every target is ignored (as in PyTorch)
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets, int ignoreIndex) {
        long vocab = logits.getShape().get(logits.getShape().dimension() - 1);
        long positions = logits.getShape().size() / vocab;
        if (targets.getShape().size() != positions) {
            throw new IllegalArgumentException("targets " + targets.getShape() + " do not match logits "
                    + logits.getShape() + ": expected one target per position (" + positions + ")");
        }
        NDArray flatTargets = targets.reshape(positions).toType(DataType.INT64, false);
        checkTargets(flatTargets.toLongArray(), vocab, ignoreIndex);
        NDArray keep = flatTargets.neq(ignoreIndex);
        NDArray safeTargets = flatTargets.mul(keep.toType(DataType.INT64, false));
        NDArray logProbs = logits.reshape(positions, vocab).logSoftmax(-1);
        NDArray picked = logProbs.gather(safeTargets.reshape(positions, 1), 1).reshape(positions);
        NDArray weights = keep.toType(DataType.FLOAT32, false);
        return picked.mul(weights).sum().neg().div(weights.sum());
    }

    /** Fails unless every target is a vocabulary id or the ignore index; returns how many count. */
    public static int checkTargets(long[] targets, long vocab, int ignoreIndex) {
        int kept = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == ignoreIndex) continue;
            if (targets[i] < 0 || targets[i] >= vocab) {
                throw new IllegalArgumentException("target " + targets[i] + " at flat position " + i
                        + " is outside the vocabulary [0, " + vocab + ") and is not the ignore index " + ignoreIndex);
            }
            kept++;
        }
        return kept;
    }
}
