package org.llmworkbench.finetune;

import org.llmworkbench.train.AdamW;
import org.llmworkbench.train.TrainConfig;

/**
 * How long and how fast a fine-tune trains: the part of the recipe that classifier, instruction and
 * preference tuning share. AdamW at a constant rate with weight decay on every parameter, as in the book's
 * fine-tuning chapters and its DPO notebook ({@code torch.optim.AdamW(model.parameters(), lr, weight_decay)}:
 * biases, norms and embeddings decay too, not only the weight matrices).
 *
 * @param epochs       passes over the training data
 * @param maxSteps     stop after this many optimizer steps even within the epochs (0: no limit)
 * @param batchSize    examples per optimizer step
 * @param learningRate AdamW's rate (constant)
 * @param weightDecay  AdamW's weight decay
 * @param evalEvery    evaluate every this many steps (0: only at the end)
 * @param evalBatches  batches per evaluation (0: all)
 * @param seed         shuffling (and dropout) seed
 */
public record TuningSchedule(int epochs, long maxSteps, int batchSize, double learningRate, double weightDecay,
                             int evalEvery, int evalBatches, long seed) {

    public TuningSchedule {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (maxSteps < 0) throw new IllegalArgumentException("maxSteps must be >= 0 (0 = no limit), got " + maxSteps);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        if (!(learningRate > 0 && learningRate <= 1)) throw new IllegalArgumentException("learningRate must be in (0, 1], got " + learningRate);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (evalEvery < 0 || evalBatches < 0) {
            throw new IllegalArgumentException("evalEvery and evalBatches must be >= 0, got " + evalEvery + " and " + evalBatches);
        }
    }

    public TuningSchedule withEpochs(int v) { return new TuningSchedule(v, maxSteps, batchSize, learningRate, weightDecay, evalEvery, evalBatches, seed); }
    public TuningSchedule withMaxSteps(long v) { return new TuningSchedule(epochs, v, batchSize, learningRate, weightDecay, evalEvery, evalBatches, seed); }
    public TuningSchedule withBatchSize(int v) { return new TuningSchedule(epochs, maxSteps, v, learningRate, weightDecay, evalEvery, evalBatches, seed); }
    public TuningSchedule withLearningRate(double v) { return new TuningSchedule(epochs, maxSteps, batchSize, v, weightDecay, evalEvery, evalBatches, seed); }
    public TuningSchedule withWeightDecay(double v) { return new TuningSchedule(epochs, maxSteps, batchSize, learningRate, v, evalEvery, evalBatches, seed); }
    public TuningSchedule withEval(int every, int batches) { return new TuningSchedule(epochs, maxSteps, batchSize, learningRate, weightDecay, every, batches, seed); }
    public TuningSchedule withSeed(long v) { return new TuningSchedule(epochs, maxSteps, batchSize, learningRate, weightDecay, evalEvery, evalBatches, v); }

    /** The trainer's settings for this schedule, as a builder for what a recipe adds. */
    public TrainConfig.Builder trainConfig() {
        return TrainConfig.builder().maxEpochs(epochs).maxSteps(maxSteps).learningRate(learningRate).constantRate()
                .weightDecay(weightDecay).decay(AdamW.DecayPolicy.ALL).evalEvery(evalEvery).evalBatches(evalBatches).seed(seed);
    }
}
