package org.llmworkbench.eval.baseline;

import org.llmworkbench.data.SmsSpam;
import tech.tablesaw.api.DoubleColumn;
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
        NaiveBayes nb = NaiveBayes.fit(parts.get(0), y, SmsSpam.LABELS.size(), counts.size(), 1.0);
        LogisticRegression lr = LogisticRegression.fit(parts.get(0), y, counts.size(), 1.0, 5_000, 1e-4);
        Table t = Table.create("baselines", StringColumn.create("model"), DoubleColumn.create("train_accuracy"),
                DoubleColumn.create("val_accuracy"), DoubleColumn.create("test_accuracy"));
        addRow(t, "naive Bayes (word counts)", parts, labels, nb::predict);
        addRow(t, "logistic regression (word counts)", parts, labels, lr::predict);
        return t;
    }

    private static void addRow(Table t, String name, List<List<WordCounts.SparseRow>> parts, List<int[]> labels,
                               java.util.function.Function<List<WordCounts.SparseRow>, int[]> predict) {
        t.stringColumn("model").append(name);
        String[] columns = {"train_accuracy", "val_accuracy", "test_accuracy"};
        for (int p = 0; p < 3; p++) t.doubleColumn(columns[p]).append(accuracy(labels.get(p), predict.apply(parts.get(p))));
    }

    public static double accuracy(int[] actual, int[] predicted) {
        int right = 0;
        for (int i = 0; i < actual.length; i++) if (actual[i] == predicted[i]) right++;
        return (double) right / actual.length;
    }
}
