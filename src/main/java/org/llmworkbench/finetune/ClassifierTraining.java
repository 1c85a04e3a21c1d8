package org.llmworkbench.finetune;

import ai.djl.ndarray.NDArray;
import org.llmworkbench.data.ClassificationBatch;
import org.llmworkbench.data.ClassificationDataset;
import org.llmworkbench.train.AdamW;
import org.llmworkbench.train.BatchSource;
import org.llmworkbench.train.TrainConfig;
import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.Trainer;
import org.llmworkbench.train.TrainingListener;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fine-tunes a {@link GptClassifier} with the shared {@link Trainer}: the batches are padded
 * messages, the loss is {@link ClassificationObjective}, and {@link GptClassifier#prepare} chose
 * what trains. After every epoch the accuracy on the training and validation sets is measured
 * (the book's {@code calc_accuracy_loader}) and added to an accuracy table.
 */
public final class ClassifierTraining {
    private ClassifierTraining() {}

    /**
     * @param trainableBlocks last blocks trained in {@link FinetuneMode#LAST_BLOCKS} mode
     * @param lora            rank and alpha in {@link FinetuneMode#LORA} mode (ignored otherwise)
     * @param accuracyExamples examples per split for the per-epoch accuracy (0 = all)
     */
    public record Settings(FinetuneMode mode, int trainableBlocks, LoraConfig lora, int epochs, int batchSize,
                           double learningRate, double weightDecay, int evalEvery, int evalBatches,
                           int accuracyExamples, long seed) {
        public Settings {
            if (mode == null) throw new IllegalArgumentException("mode is required (last-block, full or lora)");
            if (mode == FinetuneMode.LORA && lora == null) throw new IllegalArgumentException("LoRA mode needs a LoraConfig");
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
            if (accuracyExamples < 0) throw new IllegalArgumentException("accuracyExamples must be >= 0, got " + accuracyExamples);
        }

        /** The book's chapter 6 recipe: last block + final norm + head, 5 epochs, batch 8, AdamW lr 5e-5, wd 0.1. */
        public static Settings book() {
            return new Settings(FinetuneMode.LAST_BLOCKS, 1, new LoraConfig(16, 16), 5, 8, 5e-5, 0.1, 50, 5, 0, 123);
        }

        public Settings withMode(FinetuneMode m) { return new Settings(m, trainableBlocks, lora, epochs, batchSize, learningRate, weightDecay, evalEvery, evalBatches, accuracyExamples, seed); }
        public Settings withTrainableBlocks(int n) { return new Settings(mode, n, lora, epochs, batchSize, learningRate, weightDecay, evalEvery, evalBatches, accuracyExamples, seed); }
        public Settings withLora(LoraConfig l) { return new Settings(mode, trainableBlocks, l, epochs, batchSize, learningRate, weightDecay, evalEvery, evalBatches, accuracyExamples, seed); }
        public Settings withEpochs(int e) { return new Settings(mode, trainableBlocks, lora, e, batchSize, learningRate, weightDecay, evalEvery, evalBatches, accuracyExamples, seed); }
        public Settings withBatchSize(int b) { return new Settings(mode, trainableBlocks, lora, epochs, b, learningRate, weightDecay, evalEvery, evalBatches, accuracyExamples, seed); }
        public Settings withLearningRate(double lr) { return new Settings(mode, trainableBlocks, lora, epochs, batchSize, lr, weightDecay, evalEvery, evalBatches, accuracyExamples, seed); }
        public Settings withWeightDecay(double wd) { return new Settings(mode, trainableBlocks, lora, epochs, batchSize, learningRate, wd, evalEvery, evalBatches, accuracyExamples, seed); }
        public Settings withEval(int every, int batches) { return new Settings(mode, trainableBlocks, lora, epochs, batchSize, learningRate, weightDecay, every, batches, accuracyExamples, seed); }
        public Settings withAccuracyExamples(int n) { return new Settings(mode, trainableBlocks, lora, epochs, batchSize, learningRate, weightDecay, evalEvery, evalBatches, n, seed); }
        public Settings withSeed(long s) { return new Settings(mode, trainableBlocks, lora, epochs, batchSize, learningRate, weightDecay, evalEvery, evalBatches, accuracyExamples, s); }
    }

    /**
     * @param training      the trainer's result: losses table, tokens/s (message tokens, padding excluded), wall time
     * @param accuracy      one row per epoch: epoch, step, train_accuracy, val_accuracy
     * @param trainable     trainable parameters
     * @param parameters    the parameter table: what is trainable
     */
    public record Result(TrainResult training, Table accuracy, long trainable, Table parameters) {}

    /** Prepares the classifier for the mode and trains it; the classifier is changed in place. */
    public static Result train(GptClassifier classifier, ClassificationDataset train, ClassificationDataset validation,
                               Settings s, List<TrainingListener> listeners) {
        Map<String, NDArray> trainable = classifier.prepare(s.mode(), s.trainableBlocks(), s.lora(), s.seed());
        Table parameters = classifier.parameterTable(trainable);
        long count = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
        TrainConfig config = TrainConfig.builder().maxEpochs(s.epochs()).learningRate(s.learningRate()).constantRate()
                .weightDecay(s.weightDecay()).decay(AdamW.DecayPolicy.ALL).clipNorm(0)
                .evalEvery(s.evalEvery()).evalBatches(s.evalBatches()).checkpointEvery(0).seed(s.seed()).build();
        BatchSource<ClassificationBatch> trainBatches = batches(train, s.batchSize(), true, true, s.seed());
        ClassificationDataset trainSample = sample(train, s.accuracyExamples());
        ClassificationDataset valSample = validation == null ? null : sample(validation, s.accuracyExamples());
        Table accuracy = Table.create("accuracy", IntColumn.create("epoch"), LongColumn.create("step"),
                DoubleColumn.create("train_accuracy"), DoubleColumn.create("val_accuracy"));
        int perEpoch = trainBatches.batchesPerEpoch();
        TrainingListener epochAccuracy = new TrainingListener() {
            @Override
            public void onStep(Step step) {
                if (step.step() % perEpoch != 0) return;
                accuracy.intColumn("epoch").append((int) (step.step() / perEpoch));
                accuracy.longColumn("step").append(step.step());
                accuracy.doubleColumn("train_accuracy").append(classifier.accuracy(trainSample, s.batchSize()));
                accuracy.doubleColumn("val_accuracy").append(valSample == null ? Double.NaN : classifier.accuracy(valSample, s.batchSize()));
            }
        };
        Trainer.Builder<ClassificationBatch> builder = Trainer.builder(classifier.parameters(),
                        new ClassificationObjective(classifier), trainBatches, config)
                .trainable(trainable).listener(epochAccuracy);
        if (validation != null) builder.validation(batches(validation, s.batchSize(), false, false, s.seed()));
        listeners.forEach(builder::listener);
        TrainResult result = builder.build().run();
        return new Result(result, accuracy, count, parameters);
    }

    /** A dataset's epochs as the trainer's batch source (the book: shuffle + drop_last for training, neither for evaluation). */
    public static BatchSource<ClassificationBatch> batches(ClassificationDataset data, int batchSize, boolean shuffle,
                                                           boolean dropLast, long seed) {
        int count = data.batchCount(batchSize, dropLast);
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return count;
            }

            @Override
            public Iterator<ClassificationBatch> epoch(int epoch) {
                return data.batches(batchSize, shuffle, dropLast, seed, epoch);
            }
        };
    }

    /** The first n examples (all when n is 0 or at least the size): a cheaper per-epoch accuracy. */
    private static ClassificationDataset sample(ClassificationDataset data, int n) {
        return n == 0 || n >= data.size() ? data : data.head(n);
    }
}
