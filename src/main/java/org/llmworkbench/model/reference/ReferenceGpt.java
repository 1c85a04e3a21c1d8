package org.llmworkbench.model.reference;

import org.llmworkbench.model.GptConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * The GPT forward pass written out in plain Java doubles, loop by loop, with no tensor library
 * (llm.c's habit): the yardstick the DJL model is checked against, and a page to read next to it.
 * Evaluation mode only (no dropout, no cache). Weights are looked up by the same state-dict names
 * as {@code GptModel}'s ({@code trf_blocks.0.att.W_query.weight}, …), row-major, linear weights in
 * PyTorch's [out, in] layout.
 */
public final class ReferenceGpt {
    private final GptConfig cfg;
    private final Map<String, float[]> p;
    private final boolean exactGelu;

    /** @param weights every parameter of a model with this config, by state-dict name */
    public ReferenceGpt(GptConfig cfg, Map<String, float[]> weights) {
        this.cfg = cfg;
        this.p = new HashMap<>(weights);
        this.exactGelu = cfg.activation() == GptConfig.Activation.GELU;
    }

    /** Logits [tokens][vocab] for one sequence of at most contextLength ids. */
    public double[][] logits(int[] ids) {
        if (ids.length < 1 || ids.length > cfg.contextLength()) {
            throw new IllegalArgumentException("ids must hold 1 to " + cfg.contextLength() + " tokens, got " + ids.length);
        }
        int e = cfg.embDim();
        float[] tok = weight("tok_emb.weight");
        float[] pos = weight("pos_emb.weight");
        double[][] x = new double[ids.length][e];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < e; j++) {
                x[i][j] = tok[ids[i] * e + j] + pos[i * e + j];
            }
        }
        for (int b = 0; b < cfg.nLayers(); b++) {
            String pre = "trf_blocks." + b + ".";
            add(x, attention(layerNorm(x, pre + "norm1"), pre + "att."));
            add(x, feedForward(layerNorm(x, pre + "norm2"), pre + "ff."));
        }
        double[][] out = layerNorm(x, "final_norm");
        float[] head = cfg.tiedHead() ? tok : weight("out_head.weight");
        return linear(out, head, null, cfg.vocabSize());
    }

    /** Causal multi-head attention: each head scores earlier positions, softmax, weighted sum of values. */
    private double[][] attention(double[][] x, String pre) {
        int t = x.length;
        int e = cfg.embDim();
        int d = cfg.headDim();
        double[][] q = linear(x, pre + "W_query", e);
        double[][] k = linear(x, pre + "W_key", e);
        double[][] v = linear(x, pre + "W_value", e);
        double[][] context = new double[t][e];
        for (int h = 0; h < cfg.nHeads(); h++) {
            for (int i = 0; i < t; i++) {
                double[] w = new double[i + 1]; // query i sees keys 0..i: the causal mask
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
        return linear(context, pre + "out_proj", e);
    }

    private double[][] feedForward(double[][] x, String pre) {
        double[][] hidden = linear(x, pre + "layers.0", 4 * cfg.embDim());
        for (double[] row : hidden) {
            for (int j = 0; j < row.length; j++) row[j] = exactGelu ? geluExact(row[j]) : gelu(row[j]);
        }
        return linear(hidden, pre + "layers.2", cfg.embDim());
    }

    private double[][] linear(double[][] x, String layer, int out) {
        return linear(x, weight(layer + ".weight"), p.get(layer + ".bias"), out);
    }

    /** y = x W^T + b with W in PyTorch layout [out, in]; b may be null. */
    public static double[][] linear(double[][] x, float[] w, float[] b, int out) {
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

    private double[][] layerNorm(double[][] x, String norm) {
        return layerNorm(x, weight(norm + ".scale"), weight(norm + ".shift"));
    }

    /** Each row to mean 0, variance 1 (biased, eps 1e-5), then times scale plus shift. */
    public static double[][] layerNorm(double[][] x, float[] scale, float[] shift) {
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

    /** GPT-2's tanh approximation of GELU. */
    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** Exact GELU, {@code x Phi(x) = 0.5 x (1 + erf(x / sqrt 2))}, as PyTorch's {@code nn.GELU()}. */
    public static double geluExact(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /**
     * The error function {@code erf(x) = 2/sqrt(pi) * integral of exp(-t^2) from 0 to x} (the JDK has
     * none), to better than 1e-12: its Maclaurin series {@code 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))}
     * for |x| < 3, and above that the continued fraction of erfc,
     * {@code erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))}.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a;
            double sum = a;
            double x2 = a * a;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (a < 27) {
            double f = a;                        // evaluated from the tail: x + (k/2)/(x + ...)
            for (int k = 60; k >= 1; k--) f = a + (k / 2.0) / f;
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }

    private static void add(double[][] x, double[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) x[i][j] += y[i][j];
        }
    }

    private float[] weight(String name) {
        float[] w = p.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no weight named '" + name + "'; the reference needs the model's full state dict");
        }
        return w;
    }
}
