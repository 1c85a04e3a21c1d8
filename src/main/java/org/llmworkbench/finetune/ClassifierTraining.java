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
     * @param schedule        epochs, batch size, learning rate, weight decay, evaluation and seed
     */
    public record Settings(FinetuneMode mode, int trainableBlocks, LoraConfig lora, int accuracyExamples,
                           TuningSchedule schedule) implements TuningRecipe<Settings> {
        public Settings {
            if (mode == null) throw new IllegalArgumentException("mode is required (last-block, full or lora)");
            if (mode == FinetuneMode.LORA && lora == null) throw new IllegalArgumentException("LoRA mode needs a LoraConfig");
            if (accuracyExamples < 0) throw new IllegalArgumentException("accuracyExamples must be >= 0, got " + accuracyExamples);
            if (schedule == null) throw new IllegalArgumentException("schedule is required");
        }

        /**
         * The book's chapter 6 recipe: last block + final norm + head, 5 epochs, batch 8, AdamW lr 5e-5, wd 0.1;
         * in LoRA mode the book's appendix E adapters ({@link LoraConfig#book}, r 16, alpha 16).
         */
        public static Settings book() {
            return new Settings(FinetuneMode.LAST_BLOCKS, 1, LoraConfig.book(16, 16), 0,
                    new TuningSchedule(5, 0, 8, 5e-5, 0.1, 50, 5, 123));
        }

        public Settings withMode(FinetuneMode m) { return new Settings(m, trainableBlocks, lora, accuracyExamples, schedule); }
        public Settings withTrainableBlocks(int n) { return new Settings(mode, n, lora, accuracyExamples, schedule); }
        public Settings withLora(LoraConfig l) { return new Settings(mode, trainableBlocks, l, accuracyExamples, schedule); }
        public Settings withAccuracyExamples(int n) { return new Settings(mode, trainableBlocks, lora, n, schedule); }
        @Override
        public Settings withSchedule(TuningSchedule s) { return new Settings(mode, trainableBlocks, lora, accuracyExamples, s); }
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
        TuningSchedule schedule = s.schedule();
        Map<String, NDArray> trainable = classifier.prepare(s.mode(), s.trainableBlocks(), s.lora(), schedule.seed());
        Table parameters = classifier.parameterTable(trainable);
        long count = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
        TrainConfig config = schedule.trainConfig().decay(AdamW.DecayPolicy.ALL).clipNorm(0).checkpointEvery(0).build();
        int batchSize = schedule.batchSize();
        BatchSource<ClassificationBatch> trainBatches = batches(train, batchSize, true, true, schedule.seed());
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
                accuracy.doubleColumn("train_accuracy").append(classifier.accuracy(trainSample, batchSize));
                accuracy.doubleColumn("val_accuracy").append(valSample == null ? Double.NaN : classifier.accuracy(valSample, batchSize));
            }
        };
        Trainer.Builder<ClassificationBatch> builder = Trainer.builder(classifier.parameters(),
                        new ClassificationObjective(classifier), trainBatches, config)
                .trainable(trainable).listener(epochAccuracy);
        if (validation != null) builder.validation(batches(validation, batchSize, false, false, schedule.seed()));
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
