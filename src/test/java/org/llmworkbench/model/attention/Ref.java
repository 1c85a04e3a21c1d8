package org.llmworkbench.model.attention;

/** Plain-Java attention arithmetic, written the slow obvious way, to check the NDArray versions. */
final class Ref {
    private Ref() {}

    static double[][] matmul(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < b[0].length; j++) {
                double s = 0;
                for (int k = 0; k < b.length; k++) s += a[i][k] * b[k][j];
                out[i][j] = s;
            }
        return out;
    }

    static double[][] transpose(double[][] a) {
        double[][] out = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) out[j][i] = a[i][j];
        return out;
    }

    /** Row-wise softmax; entries above the diagonal are skipped (weight 0) when causal. */
    static double[][] softmaxRows(double[][] s, double scale, boolean causal) {
        double[][] out = new double[s.length][s[0].length];
        for (int i = 0; i < s.length; i++) {
            int last = causal ? i : s[i].length - 1;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= last; j++) max = Math.max(max, s[i][j] * scale);
            double sum = 0;
            for (int j = 0; j <= last; j++) sum += out[i][j] = Math.exp(s[i][j] * scale - max);
            for (int j = 0; j <= last; j++) out[i][j] /= sum;
        }
        return out;
    }

    /** x · Wᵀ for W stored [out, in]. */
    static double[][] project(double[][] x, double[][] w) {
        return matmul(x, transpose(w));
    }

    static double[][] toDouble(float[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) out[i][j] = a[i][j];
        }
        return out;
    }

    static double[][] toDouble(float[] flat, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out[i][j] = flat[i * cols + j];
        return out;
    }
}
