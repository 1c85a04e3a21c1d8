package org.llmworkbench.finetune;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * True and predicted labels of a dataset, with the few scores fine-tuning reports: accuracy, the
 * confusion matrix, and precision / recall / F1 of one class. (The full metrics, macro averages
 * and charts live in {@code eval}, which sits above this package.)
 */
public record Predictions(int[] actual, int[] predicted, List<String> labels) {

    public Predictions {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " labels but " + predicted.length + " predictions");
        }
    }

    public int count() {
        return actual.length;
    }

    public double accuracy() {
        if (actual.length == 0) return Double.NaN;
        int right = 0;
        for (int i = 0; i < actual.length; i++) if (actual[i] == predicted[i]) right++;
        return (double) right / actual.length;
    }

    /** [actual][predicted] counts. */
    public int[][] confusion() {
        int[][] m = new int[labels.size()][labels.size()];
        for (int i = 0; i < actual.length; i++) m[actual[i]][predicted[i]]++;
        return m;
    }

    public double precision(int c) {
        int tp = 0, predictedC = 0;
        for (int i = 0; i < actual.length; i++) {
            if (predicted[i] == c) {
                predictedC++;
                if (actual[i] == c) tp++;
            }
        }
        return predictedC == 0 ? 0 : (double) tp / predictedC;
    }

    public double recall(int c) {
        int tp = 0, actualC = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] == c) {
                actualC++;
                if (predicted[i] == c) tp++;
            }
        }
        return actualC == 0 ? 0 : (double) tp / actualC;
    }

    public double f1(int c) {
        double p = precision(c), r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Rows: actual label; columns: one per predicted label. */
    public Table confusionTable() {
        int[][] m = confusion();
        Table t = Table.create("confusion (rows: actual, columns: predicted)", StringColumn.create("actual", labels));
        for (int p = 0; p < labels.size(); p++) {
            IntColumn col = IntColumn.create(labels.get(p));
            for (int[] row : m) col.append(row[p]);
            t.addColumns(col);
        }
        return t;
    }

    /** Indices of the rows predicted wrongly. */
    public int[] mistakes() {
        return java.util.stream.IntStream.range(0, actual.length).filter(i -> actual[i] != predicted[i]).toArray();
    }
}
