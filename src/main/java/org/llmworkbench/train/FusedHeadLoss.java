package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.model.Losses;

/**
 * The output head and its cross-entropy for a training step, with the gradient of the logits
 * written down instead of recorded (llm.c's "fused classifier"). The loss is
 * {@code mean over counted positions of -log softmax(h·Wᵀ)[target]}, exactly what
 * {@code Losses.crossEntropy(model.forward(...), targets)} computes; what changes is the work:
 *
 * <pre>
 *   logits = h · Wᵀ                      [positions, vocab], outside autograd
 *   p      = softmax(logits)             loss = mean(-log p[target])
 *   dZ     = (p - onehot(target)) / n    in p's own memory (ignored positions: 0)
 *   dh     = dZ · W,   dW = dZᵀ · h
 * </pre>
 *
 * and autograd gets {@code sum(h ⊙ dh) + sum(W ⊙ dW)}, a scalar whose gradient with respect to
 * {@code h} and {@code W} is {@code dh} and {@code dW}: the transformer below {@code h} is
 * differentiated as usual. Recorded, the same loss keeps a log-softmax output, a zero-filled
 * gradient of it and the logits' gradient, three more passes over [positions, vocab] floats (206 MB
 * each at batch 8 × 128 tokens with GPT-2's vocabulary), and that much more memory at its peak.
 * The teaching path ({@link org.llmworkbench.train.LanguageModelObjective#loss}) stays the plain one.
 */
public final class FusedHeadLoss {
    private FusedHeadLoss() {}

    /**
     * @param hidden      [..., width] the final normalized hidden states (recorded by autograd)
     * @param head        [vocab, width] the output head's weight (a parameter, or the tied embedding)
     * @param targets     [...] one id per position, or {@code ignoreIndex}
     * @param ignoreIndex targets that do not count
     * @return the mean loss (NaN when nothing counts, as in PyTorch) and the scalar to differentiate
     */
    public static Objective.TrainingLoss of(NDArray hidden, NDArray head, NDArray targets, int ignoreIndex) {
        long vocab = head.getShape().get(0);
        long width = head.getShape().get(1);
        NDArray h = hidden.reshape(-1, width);
        int positions = Math.toIntExact(h.getShape().get(0));
        if (targets.getShape().size() != positions) {
            throw new IllegalArgumentException("targets " + targets.getShape() + " do not match hidden states "
                    + hidden.getShape() + ": expected one target per position (" + positions + ")");
        }
        long[] ids = targets.toType(DataType.INT64, false).toLongArray();
        int counted = Losses.checkTargets(ids, vocab, ignoreIndex);
        long[] targetCells = new long[positions];  // where each position's target sits in the flattened [positions, vocab]
        float[] rowScale = new float[positions];
        for (int i = 0; i < positions; i++) {
            boolean counts = ids[i] != ignoreIndex;
            targetCells[i] = i * vocab + (counts ? ids[i] : 0);
            rowScale[i] = counts ? 1f / counted : 0f;
        }

        // Every array below must belong to the step's scope. NDArray operations put their result in
        // the manager of the array they are called on, and the head lives in the model's manager for
        // good: head.stopGradient() or head.mul(...) would leave a handle (or a [vocab, width] product)
        // there on every step. So: detach the head, move that handle into the scope, and call
        // operations on scope arrays only.
        NDManager manager = hidden.getManager();
        NDArray h0 = h.stopGradient();
        NDArray w0 = head.stopGradient();
        w0.attach(manager);
        NDArray logits = h0.matMul(w0.transpose());
        NDArray probs = logits.softmax(-1);
        NDArray cells = manager.create(targetCells);
        NDArray flat = probs.reshape(positions * vocab);  // a view: writes land in probs
        NDArray picked = flat.get(new NDIndex("{}", cells));
        double loss = meanNegativeLog(picked.toFloatArray(), ids, ignoreIndex, counted);
        if (Double.isInfinite(loss)) {
            // a target's probability underflowed float: take those logs from the logits themselves
            NDArray logProbs = logits.logSoftmax(-1).reshape(positions * vocab).get(new NDIndex("{}", cells));
            loss = -mean(logProbs.toFloatArray(), ids, ignoreIndex, counted);
            logProbs.close();
        }
        logits.close();

        flat.set(new NDIndex("{}", cells), picked.sub(1f));       // p - onehot
        probs.muli(manager.create(rowScale, new Shape(positions, 1)));  // mean over counted positions
        NDArray dh = probs.matMul(w0);
        NDArray dw = probs.transpose().matMul(h0);
        flat.close();
        probs.close();
        NDArray differentiable = h.mul(dh).sum().add(dw.mul(head).sum());
        return new Objective.TrainingLoss((float) loss, differentiable);
    }

    private static double meanNegativeLog(float[] probability, long[] ids, int ignoreIndex, int counted) {
        if (counted == 0) return Double.NaN;
        double sum = 0;
        for (int i = 0; i < probability.length; i++) {
            if (ids[i] != ignoreIndex) sum -= Math.log(probability[i]);
        }
        return sum / counted;
    }

    private static double mean(float[] values, long[] ids, int ignoreIndex, int counted) {
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            if (ids[i] != ignoreIndex) sum += values[i];
        }
        return sum / counted;
    }
}
