package org.llmworkbench.eval.baseline;

import java.util.List;

/**
 * Multinomial naive Bayes on word counts (scikit-learn's {@code MultinomialNB()} defaults:
 * Laplace smoothing alpha = 1, class priors from the training labels). A message scores
 * {@code log P(class) + Σ count(w) · log P(w | class)}; the best score wins.
 */
public final class NaiveBayes {
    private final double[] logPrior;
    private final double[][] logLikelihood; // [class][word]

    private NaiveBayes(double[] logPrior, double[][] logLikelihood) {
        this.logPrior = logPrior;
        this.logLikelihood = logLikelihood;
    }

    public static NaiveBayes fit(List<WordCounts.SparseRow> rows, int[] labels, int numClasses, int vocabularySize, double alpha) {
        if (rows.size() != labels.length) throw new IllegalArgumentException(rows.size() + " rows but " + labels.length + " labels");
        if (!(alpha > 0)) throw new IllegalArgumentException("alpha must be > 0, got " + alpha);
        double[] classCount = new double[numClasses];
        double[][] wordCount = new double[numClasses][vocabularySize];
        for (int i = 0; i < labels.length; i++) {
            classCount[labels[i]]++;
            WordCounts.SparseRow r = rows.get(i);
            for (int k = 0; k < r.ids().length; k++) wordCount[labels[i]][r.ids()[k]] += r.values()[k];
        }
        double[] logPrior = new double[numClasses];
        double[][] logLikelihood = new double[numClasses][vocabularySize];
        for (int c = 0; c < numClasses; c++) {
            logPrior[c] = Math.log(classCount[c] / labels.length);
            double total = 0;
            for (double v : wordCount[c]) total += v;
            double denominator = Math.log(total + alpha * vocabularySize);
            for (int w = 0; w < vocabularySize; w++) logLikelihood[c][w] = Math.log(wordCount[c][w] + alpha) - denominator;
        }
        return new NaiveBayes(logPrior, logLikelihood);
    }

    public int[] predict(List<WordCounts.SparseRow> rows) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            WordCounts.SparseRow r = rows.get(i);
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < logPrior.length; c++) {
                double s = logPrior[c];
                for (int k = 0; k < r.ids().length; k++) s += r.values()[k] * logLikelihood[c][r.ids()[k]];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
