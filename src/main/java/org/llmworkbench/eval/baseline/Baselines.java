package org.llmworkbench.eval.baseline;

import org.llmworkbench.data.SmsSpam;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * The classical yardsticks a fine-tuned classifier must be compared with: naive Bayes and logistic
 * regression on word counts, fitted on the training part of a split and scored on all three parts.
 */
public final class Baselines {
    private Baselines() {}

    /** One row per model: model, train / validation / test accuracy. */
    public static Table spam(SmsSpam.Split split) {
        List<String> train = SmsSpam.texts(split.train());
        int[] y = SmsSpam.labelIds(split.train());
        WordCounts counts = WordCounts.fit(train);
        List<List<WordCounts.SparseRow>> parts = List.of(counts.transform(train), counts.transform(SmsSpam.texts(split.validation())),
                counts.transform(SmsSpam.texts(split.test())));
        List<int[]> labels = List.of(y, SmsSpam.labelIds(split.validation()), SmsSpam.labelIds(split.test()));
        long t0 = System.nanoTime();
        NaiveBayes nb = NaiveBayes.fit(parts.get(0), y, SmsSpam.LABELS.size(), counts.size(), 1.0);
        double nbSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        LogisticRegression lr = LogisticRegression.fit(parts.get(0), y, counts.size(), 1.0, 5_000, 1e-4);
        double lrSeconds = (System.nanoTime() - t0) / 1e9;
        Table t = Table.create("baselines", StringColumn.create("model"), LongColumn.create("parameters_trained"),
                DoubleColumn.create("train_accuracy"), DoubleColumn.create("val_accuracy"), DoubleColumn.create("test_accuracy"),
                DoubleColumn.create("seconds"));
        addRow(t, "naive Bayes (word counts)", 2L * counts.size() + 2, nbSeconds, parts, labels, nb::predict);
        addRow(t, "logistic regression (word counts)", counts.size() + 1L, lrSeconds, parts, labels, lr::predict);
        return org.llmworkbench.finetune.SpamClassifier.readable(t);
    }

    private static void addRow(Table t, String name, long parameters, double seconds, List<List<WordCounts.SparseRow>> parts,
                               List<int[]> labels, java.util.function.Function<List<WordCounts.SparseRow>, int[]> predict) {
        t.stringColumn("model").append(name);
        t.longColumn("parameters_trained").append(parameters);
        t.doubleColumn("seconds").append(seconds);
        String[] columns = {"train_accuracy", "val_accuracy", "test_accuracy"};
        for (int p = 0; p < 3; p++) t.doubleColumn(columns[p]).append(accuracy(labels.get(p), predict.apply(parts.get(p))));
    }

    public static double accuracy(int[] actual, int[] predicted) {
        int right = 0;
        for (int i = 0; i < actual.length; i++) if (actual[i] == predicted[i]) right++;
        return (double) right / actual.length;
    }
}
