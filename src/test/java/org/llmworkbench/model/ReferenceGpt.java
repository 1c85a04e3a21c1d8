package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * The GPT forward pass written out in plain Java doubles, loop by loop, with no tensor library:
 * the yardstick the DJL model is checked against. Evaluation mode only (no dropout).
 */
final class ReferenceGpt {
    private final GptConfig cfg;
    private final Map<String, float[]> p = new HashMap<>();

    ReferenceGpt(GptModel model) {
        this.cfg = model.config();
        for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
            p.put(e.getKey(), e.getValue().toFloatArray());
        }
    }

    /** Logits [tokens][vocab] for one sequence of at most contextLength ids. */
    double[][] logits(int[] ids) {
        int t = ids.length;
        int e = cfg.embDim();
        double[][] x = new double[t][e];
        float[] tok = p.get("tok_emb.weight");
        float[] pos = p.get("pos_emb.weight");
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < e; j++) {
                x[i][j] = tok[ids[i] * e + j] + pos[i * e + j];
            }
        }
        for (int b = 0; b < cfg.nLayers(); b++) {
            String pre = "trf_blocks." + b + ".";
            double[][] h = layerNorm(x, p.get(pre + "norm1.scale"), p.get(pre + "norm1.shift"));
            double[][] att = attention(h, pre + "att.");
            add(x, att);
            h = layerNorm(x, p.get(pre + "norm2.scale"), p.get(pre + "norm2.shift"));
            double[][] hidden = linear(h, p.get(pre + "ff.layers.0.weight"), p.get(pre + "ff.layers.0.bias"), 4 * e);
            for (double[] row : hidden) {
                for (int j = 0; j < row.length; j++) row[j] = gelu(row[j]);
            }
            add(x, linear(hidden, p.get(pre + "ff.layers.2.weight"), p.get(pre + "ff.layers.2.bias"), e));
        }
        double[][] out = layerNorm(x, p.get("final_norm.scale"), p.get("final_norm.shift"));
        float[] head = cfg.tiedHead() ? tok : p.get("out_head.weight");
        return linear(out, head, null, cfg.vocabSize());
    }

    private double[][] attention(double[][] x, String pre) {
        int t = x.length;
        int e = cfg.embDim();
        int heads = cfg.nHeads();
        int d = e / heads;
        double[][] q = linear(x, p.get(pre + "W_query.weight"), p.get(pre + "W_query.bias"), e);
        double[][] k = linear(x, p.get(pre + "W_key.weight"), p.get(pre + "W_key.bias"), e);
        double[][] v = linear(x, p.get(pre + "W_value.weight"), p.get(pre + "W_value.bias"), e);
        double[][] context = new double[t][e];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double[] w = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) s += q[i][h * d + c] * k[j][h * d + c];
                    w[j] = s / Math.sqrt(d);
                    max = Math.max(max, w[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    w[j] = Math.exp(w[j] - max);
                    sum += w[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < d; c++) context[i][h * d + c] += w[j] / sum * v[j][h * d + c];
                }
            }
        }
        return linear(context, p.get(pre + "out_proj.weight"), p.get(pre + "out_proj.bias"), e);
    }

    /** y = x W^T + b with W in PyTorch layout [out, in]. */
    static double[][] linear(double[][] x, float[] w, float[] b, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int c = 0; c < in; c++) s += x[i][c] * w[o * in + c];
                y[i][o] = s;
            }
        }
        return y;
    }

    static double[][] layerNorm(double[][] x, float[] scale, float[] shift) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            int n = x[i].length;
            double mean = 0;
            for (double a : x[i]) mean += a;
            mean /= n;
            double var = 0;
            for (double a : x[i]) var += (a - mean) * (a - mean);
            var /= n;
            y[i] = new double[n];
            for (int j = 0; j < n; j++) {
                y[i][j] = (x[i][j] - mean) / Math.sqrt(var + 1e-5) * scale[j] + shift[j];
            }
        }
        return y;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    private static void add(double[][] x, double[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) x[i][j] += y[i][j];
        }
    }
}
