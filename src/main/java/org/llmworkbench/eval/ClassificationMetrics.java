package org.llmworkbench.eval;

import java.util.Arrays;

/**
 * Accuracy, precision, recall, F1 and the confusion matrix of a classifier's predictions, with
 * scikit-learn's definitions: {@code confusion[actual][predicted]}; precision of class c =
 * TP / (TP + FP), recall = TP / (TP + FN), a 0/0 ratio counts as 0; macro averages weigh every
 * class equally. For a binary task (spam vs ham) the figures of the positive class are the headline.
 */
public final class ClassificationMetrics {
    private final long[][] confusion;
    private final long total;

    private ClassificationMetrics(long[][] confusion) {
        this.confusion = confusion;
        long t = 0;
        for (long[] row : confusion) for (long v : row) t += v;
        this.total = t;
    }

    /** Labels are class indices in {@code [0, numClasses)}; both arrays are aligned by example. */
    public static ClassificationMetrics of(int[] actual, int[] predicted, int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException("actual has " + actual.length + " labels but predicted has "
                    + predicted.length);
        }
        long[][] m = new long[numClasses][numClasses];
        for (int i = 0; i < actual.length; i++) {
            check(actual[i], numClasses, "actual", i);
            check(predicted[i], numClasses, "predicted", i);
            m[actual[i]][predicted[i]]++;
        }
        return new ClassificationMetrics(m);
    }

    /** Binary labels: {@code true} is the positive class (index 1). */
    public static ClassificationMetrics binary(boolean[] actual, boolean[] predicted) {
        int[] a = new int[actual.length];
        int[] p = new int[predicted.length];
        for (int i = 0; i < a.length; i++) a[i] = actual[i] ? 1 : 0;
        for (int i = 0; i < p.length; i++) p[i] = predicted[i] ? 1 : 0;
        return of(a, p, 2);
    }

    private static void check(int label, int numClasses, String which, int index) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException(which + " label " + label + " at index " + index
                    + " is outside [0, " + numClasses + ")");
        }
    }

    public int numClasses() {
        return confusion.length;
    }

    public long count() {
        return total;
    }

    /** A copy: rows are actual classes, columns predicted classes. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) copy[i] = confusion[i].clone();
        return copy;
    }

    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < confusion.length; c++) correct += confusion[c][c];
        return ratio(correct, total);
    }

    public double precision(int c) {
        long predictedC = 0;
        for (long[] row : confusion) predictedC += row[c];
        return ratio(confusion[c][c], predictedC);
    }

    public double recall(int c) {
        return ratio(confusion[c][c], Arrays.stream(confusion[c]).sum());
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < confusion.length; c++) s += precision(c);
        return s / confusion.length;
    }

    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < confusion.length; c++) s += recall(c);
        return s / confusion.length;
    }

    /** The mean of the per-class F1 scores (scikit-learn's {@code average='macro'}). */
    public double macroF1() {
        double s = 0;
        for (int c = 0; c < confusion.length; c++) s += f1(c);
        return s / confusion.length;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    @Override
    public String toString() {
        return String.format("accuracy %.4f, macro precision %.4f, recall %.4f, F1 %.4f over %d examples",
                accuracy(), macroPrecision(), macroRecall(), macroF1(), total);
    }
}
