package org.llmworkbench.finetune;

import org.llmworkbench.model.TensorMemory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.train.BatchSource;
import org.llmworkbench.train.Objective;

import java.util.Iterator;

/**
 * Direct preference optimization (Rafailov et al. 2023), as in the book's DPO notebook. For each
 * example, the policy (being trained) and a frozen reference model (the policy's starting point)
 * score the chosen and the rejected answer by their mean log-probability per answer token; then
 *
 * <pre>
 *   logits = (policy_chosen − policy_rejected) − (reference_chosen − reference_rejected)
 *   loss   = −log σ(β · logits)
 * </pre>
 *
 * <p>The loss falls when the policy raises the chosen answer relative to the rejected one, more than
 * the reference does; β limits how far it may drift from the reference. While the policy equals the
 * reference the logits are 0 and the loss is ln 2 ≈ 0.6931. The rewards are the book's:
 * {@code policy − reference} log-probability of each answer (without β); the margin is chosen minus
 * rejected reward, and the preference accuracy the share of examples whose margin is positive.
 */
public final class DpoObjective implements Objective<PreferenceCollate.Batch> {
    private final GptModel policy;
    private final GptModel reference;
    private final double beta;

    /**
     * @param reference frozen: it runs without gradients and is never updated
     * @param beta      the DPO temperature, > 0 (the book: 0.1)
     */
    public DpoObjective(GptModel policy, GptModel reference, double beta) {
        if (policy == null || reference == null) throw new IllegalArgumentException("policy and reference models are required");
        if (policy == reference) {
            throw new IllegalArgumentException("the reference must be a separate, frozen copy of the policy's starting weights");
        }
        if (!(beta > 0 && beta <= 100)) throw new IllegalArgumentException("beta must be in (0, 100], got " + beta);
        this.policy = policy;
        this.reference = reference;
        this.beta = beta;
    }

    public double beta() {
        return beta;
    }

    @Override
    public NDArray loss(NDManager scope, PreferenceCollate.Batch batch, boolean training) {
        return scores(scope, batch, training).losses().mean();
    }

    @Override
    public long tokens(PreferenceCollate.Batch batch) {
        return batch.tokenCount();
    }

    /** Per-example mean log-probabilities of the four scorings, and the DPO loss of each example. */
    public record Scores(NDArray policyChosen, NDArray policyRejected, NDArray referenceChosen, NDArray referenceRejected,
                         NDArray losses) {
        public NDArray chosenRewards() {
            return policyChosen.sub(referenceChosen);
        }

        public NDArray rejectedRewards() {
            return policyRejected.sub(referenceRejected);
        }
    }

    public Scores scores(NDManager scope, PreferenceCollate.Batch batch, boolean training) {
        // chosen and rejected rows go through the model together: one forward pass of 2 × batch rows
        NDArray ids = NDArrays.concat(new NDList(ids(scope, batch.chosen()), ids(scope, batch.rejected())));
        NDArray mask = NDArrays.concat(new NDList(mask(scope, batch.chosenMask()), mask(scope, batch.rejectedMask())));
        int n = batch.size();
        NDArray policyLogProbs = sequenceLogProbs(policy.forward(ids, training), ids, mask);
        NDArray referenceLogProbs;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            NDArray refIds = ids.duplicate(); // no graph links from the reference into the policy's
            referenceLogProbs = sequenceLogProbs(reference.forward(refIds, false), refIds, mask);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        NDArray pc = policyLogProbs.get(new NDIndex("0:{}", n));
        NDArray pr = policyLogProbs.get(new NDIndex("{}:", n));
        NDArray rc = referenceLogProbs.get(new NDIndex("0:{}", n));
        NDArray rr = referenceLogProbs.get(new NDIndex("{}:", n));
        return new Scores(pc, pr, rc, rr, dpoLoss(pc, pr, rc, rr, beta));
    }

    /**
     * The DPO loss of each example, {@code −log σ(β · ((pc − pr) − (rc − rr)))}, computed stably as
     * {@code softplus(−x) = max(−x, 0) + log(1 + exp(−|x|))}.
     */
    public static NDArray dpoLoss(NDArray policyChosen, NDArray policyRejected, NDArray referenceChosen,
                                  NDArray referenceRejected, double beta) {
        NDManager manager = policyChosen.getManager();
        NDArray x = policyChosen.sub(policyRejected).sub(referenceChosen.sub(referenceRejected)).mul(TensorMemory.scalar(manager, beta));
        return x.neg().maximum(TensorMemory.scalar(manager, 0)).add(x.abs().neg().exp().add(1f).log());
    }

    /**
     * Mean log-probability, per row, of the tokens the mask selects: position t's logits predict token
     * t + 1, so the labels and the mask are shifted by one (the book's {@code compute_logprobs}).
     *
     * @param logits [rows, tokens, vocab]
     * @param ids    [rows, tokens]
     * @param mask   [rows, tokens] 1 where the token counts
     * @return [rows]
     */
    public static NDArray sequenceLogProbs(NDArray logits, NDArray ids, NDArray mask) {
        long tokens = ids.getShape().get(1);
        NDArray labels = ids.get(new NDIndex(":, 1:")).toType(DataType.INT64, false);
        NDArray logProbs = logits.get(new NDIndex(":, :{}, :", tokens - 1)).logSoftmax(-1);
        NDArray picked = logProbs.gather(labels.expandDims(-1), 2).squeeze(-1);
        NDArray m = mask.get(new NDIndex(":, 1:")).toType(DataType.FLOAT32, false);
        return picked.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(TensorMemory.scalar(m.getManager(), 1)));
    }

    /** Mean loss, rewards, margin and preference accuracy over batches of a source, without gradients or dropout. */
    public record Evaluation(double loss, double chosenReward, double rejectedReward, double accuracy, int examples) {
        public double margin() {
            return chosenReward - rejectedReward;
        }
    }

    /** @param maxBatches batches of epoch 0 to score; 0 for all */
    public Evaluation evaluate(BatchSource<PreferenceCollate.Batch> source, int maxBatches) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        double loss = 0, chosen = 0, rejected = 0, correct = 0;
        int examples = 0;
        try {
            Iterator<PreferenceCollate.Batch> it = source.epoch(0);
            int limit = maxBatches == 0 ? source.batchesPerEpoch() : Math.min(maxBatches, source.batchesPerEpoch());
            for (int b = 0; b < limit && it.hasNext(); b++) {
                PreferenceCollate.Batch batch = it.next();
                try (NDManager scope = policy.manager().newSubManager()) {
                    Scores s = scores(scope, batch, false);
                    float[] l = s.losses().toFloatArray();
                    float[] c = s.chosenRewards().toFloatArray();
                    float[] r = s.rejectedRewards().toFloatArray();
                    for (int i = 0; i < l.length; i++) {
                        loss += l[i];
                        chosen += c[i];
                        rejected += r[i];
                        if (c[i] > r[i]) correct++;
                    }
                    examples += l.length;
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        if (examples == 0) return new Evaluation(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        return new Evaluation(loss / examples, chosen / examples, rejected / examples, correct / examples, examples);
    }

    private static NDArray ids(NDManager scope, int[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) flat[r * width + c] = rows[r][c];
        }
        return scope.create(flat, new Shape(rows.length, width));
    }

    private static NDArray mask(NDManager scope, boolean[][] rows) {
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) flat[r * width + c] = rows[r][c] ? 1f : 0f;
        }
        return scope.create(flat, new Shape(rows.length, width));
    }
}
