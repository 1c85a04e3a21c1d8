package org.llmworkbench.eval.baseline;

import java.util.List;

/**
 * Binary logistic regression on word counts with an L2 penalty, as scikit-learn's
 * {@code LogisticRegression()} defaults: minimize {@code Σ log-loss + ||w||² / (2C)} with C = 1,
 * intercept not penalized. The problem is convex; full-batch Adam steps run until the largest
 * gradient entry is below the tolerance (or the step limit), which reaches the same optimum as
 * scikit-learn's L-BFGS to within its tolerance.
 */
public final class LogisticRegression {
    private final double[] weights;
    private final double intercept;
    private final int steps;

    private LogisticRegression(double[] weights, double intercept, int steps) {
        this.weights = weights;
        this.intercept = intercept;
        this.steps = steps;
    }

    /** @param labels 0 or 1 */
    public static LogisticRegression fit(List<WordCounts.SparseRow> rows, int[] labels, int vocabularySize, double c,
                                         int maxSteps, double tolerance) {
        if (rows.size() != labels.length) throw new IllegalArgumentException(rows.size() + " rows but " + labels.length + " labels");
        if (!(c > 0)) throw new IllegalArgumentException("C must be > 0, got " + c);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + ": this logistic regression is binary (0 or 1)");
            }
        }
        int n = vocabularySize + 1; // last entry: the intercept
        double[] theta = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        double[] grad = new double[n];
        double lr = 0.05, b1 = 0.9, b2 = 0.999;
        int step = 0;
        while (step < maxSteps) {
            java.util.Arrays.fill(grad, 0);
            for (int i = 0; i < labels.length; i++) {
                WordCounts.SparseRow r = rows.get(i);
                double z = theta[n - 1];
                for (int k = 0; k < r.ids().length; k++) z += theta[r.ids()[k]] * r.values()[k];
                double error = sigmoid(z) - labels[i];
                for (int k = 0; k < r.ids().length; k++) grad[r.ids()[k]] += error * r.values()[k];
                grad[n - 1] += error;
            }
            double largest = 0;
            for (int j = 0; j < n - 1; j++) {
                grad[j] += theta[j] / c;
                largest = Math.max(largest, Math.abs(grad[j]));
            }
            largest = Math.max(largest, Math.abs(grad[n - 1]));
            if (largest < tolerance) break;
            step++;
            for (int j = 0; j < n; j++) {
                m[j] = b1 * m[j] + (1 - b1) * grad[j];
                v[j] = b2 * v[j] + (1 - b2) * grad[j] * grad[j];
                double mHat = m[j] / (1 - Math.pow(b1, step));
                double vHat = v[j] / (1 - Math.pow(b2, step));
                theta[j] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        return new LogisticRegression(java.util.Arrays.copyOf(theta, n - 1), theta[n - 1], step);
    }

    /** Optimizer steps taken (fewer than the limit means the gradient fell below the tolerance). */
    public int steps() {
        return steps;
    }

    public double probability(WordCounts.SparseRow r) {
        double z = intercept;
        for (int k = 0; k < r.ids().length; k++) z += weights[r.ids()[k]] * r.values()[k];
        return sigmoid(z);
    }

    public int[] predict(List<WordCounts.SparseRow> rows) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) out[i] = probability(rows.get(i)) >= 0.5 ? 1 : 0;
        return out;
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
