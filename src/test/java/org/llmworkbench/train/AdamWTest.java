package org.llmworkbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    /** PyTorch's AdamW written out in doubles, one parameter vector. */
    static final class Reference {
        final double[] p, m, v;
        int t;
        Reference(double[] p) { this.p = p.clone(); m = new double[p.length]; v = new double[p.length]; }
        void step(double[] g, double lr, double b1, double b2, double eps, double wd) {
            t++;
            for (int i = 0; i < p.length; i++) {
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    @ParameterizedTest(name = "in place: {0}")
    @ValueSource(booleans = {true, false})
    void matchesPyTorchsFormulaOverSeveralStepsWithDecayGroups(boolean inPlace) {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] w0 = {0.5f, -1.25f, 2f, 0.1f, -0.3f, 0.7f};
            float[] b0 = {0.2f, -0.4f};
            NDArray w = manager.create(w0, new Shape(2, 3));
            NDArray b = manager.create(b0, new Shape(2));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("layer.weight", w);
            params.put("layer.bias", b);
            AdamW adam = new AdamW(params, new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, AdamW.DecayPolicy.MATRICES), inPlace);
            assertThat(adam.decayed()).containsExactly("layer.weight");
            Reference rw = new Reference(toDouble(w0));
            Reference rb = new Reference(toDouble(b0));
            double[] lrs = {1e-2, 5e-3, 2e-2, 1e-3};
            for (double lr : lrs) {
                // loss = sum(w^2 * c) + sum(b^3): gradients 2cw and 3b^2
                double[] gw = new double[6];
                double[] gb = new double[2];
                float[] wNow = w.toFloatArray();
                float[] bNow = b.toFloatArray();
                for (int i = 0; i < 6; i++) gw[i] = 2 * (i + 1) * wNow[i];
                for (int i = 0; i < 2; i++) gb[i] = 3 * bNow[i] * bNow[i];
                try (NDManager scope = manager.newSubManager();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray c = scope.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
                    NDArray loss = w.square().mul(c).sum().add(b.pow(3).sum());
                    gc.backward(loss);
                }
                adam.step(lr);
                adam.zeroGrad();
                rw.step(gw, lr, 0.9, 0.95, 1e-8, 0.1);
                rb.step(gb, lr, 0.9, 0.95, 1e-8, 0.0);
                assertClose(w.toFloatArray(), rw.p);
                assertClose(b.toFloatArray(), rb.p);
                assertThat(w.getGradient().sum().getFloat()).isEqualTo(0f);
            }
            assertThat(adam.stepCount()).isEqualTo(4);
        }
    }

    /**
     * The in-place Java update against DJL's native one, on arrays spanning several chunks (so the
     * work is split between threads), with weight decay and a clipping scale: the same numbers.
     */
    @Test
    void inPlaceUpdateEqualsNativeUpdateOnLargeArraysWithClipping() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray init = manager.randomNormal(new Shape(300, 400));
            NDArray initBias = manager.randomNormal(new Shape(1000));
            Map<String, NDArray> fast = new LinkedHashMap<>();
            Map<String, NDArray> slow = new LinkedHashMap<>();
            for (Map<String, NDArray> params : List.of(fast, slow)) {
                NDArray w = init.duplicate();
                NDArray b = initBias.duplicate();
                w.setRequiresGradient(true);
                b.setRequiresGradient(true);
                params.put("big.weight", w);
                params.put("big.bias", b);
            }
            AdamW.Settings settings = new AdamW.Settings(0.9, 0.99, 1e-8, 0.1, AdamW.DecayPolicy.MATRICES);
            AdamW a = new AdamW(fast, settings, true);
            AdamW n = new AdamW(slow, settings, false);
            assertThat(a.updatesInPlace()).isTrue();
            assertThat(n.updatesInPlace()).isFalse();
            for (int step = 0; step < 3; step++) {
                for (Map<String, NDArray> params : List.of(fast, slow)) {
                    try (NDManager scope = manager.newSubManager();
                         GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray w = params.get("big.weight");
                        NDArray b = params.get("big.bias");
                        gc.backward(w.mul(w).mul(3).sum().add(b.sin().sum()));
                    }
                }
                double normFast = a.gradientNorm();
                double normSlow;
                try (NDManager scope = manager.newSubManager()) {
                    normSlow = GradientClipping.globalNorm(slow.values(), scope);
                }
                assertThat(normFast).isCloseTo(normSlow, org.assertj.core.data.Percentage.withPercentage(1e-4));
                assertThat(n.gradientNorm()).isCloseTo(normSlow, org.assertj.core.data.Percentage.withPercentage(1e-4));
                double scale = GradientClipping.coefficient(normFast, 50.0);
                assertThat(scale).isLessThan(1.0); // the gradients are large: clipping is active
                a.step(1e-2, scale);
                n.step(1e-2, scale);
                a.zeroGrad();
                n.zeroGrad();
                for (String name : fast.keySet()) {
                    float[] x = fast.get(name).toFloatArray();
                    float[] y = slow.get(name).toFloatArray();
                    for (int i = 0; i < x.length; i++) {
                        assertThat(x[i]).as("%s[%d] at step %d", name, i, step).isCloseTo(y[i], within(2e-6f + 2e-6f * Math.abs(y[i])));
                    }
                }
            }
        }
    }

    @Test
    void decayPolicyAllDecaysBiasesAndEmbeddingsToo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (String name : List.of("tok_emb.weight", "norm1.scale", "att.W_query.weight", "ff.layers.0.bias")) {
                NDArray a = manager.ones(new Shape(name.endsWith("weight") ? 2 : 1, 2));
                if (!name.contains("W_query") && !name.contains("emb")) a = manager.ones(new Shape(2));
                a.setRequiresGradient(true);
                params.put(name, a);
            }
            assertThat(new AdamW(params, AdamW.Settings.of(0.1, AdamW.DecayPolicy.MATRICES)).decayed())
                    .containsExactly("att.W_query.weight");
            assertThat(new AdamW(params, AdamW.Settings.of(0.1, AdamW.DecayPolicy.MATRICES_AND_EMBEDDINGS)).decayed())
                    .containsExactly("tok_emb.weight", "att.W_query.weight");
            assertThat(new AdamW(params, AdamW.Settings.of(0.1, AdamW.DecayPolicy.ALL)).decayed()).hasSize(4);
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static void assertClose(float[] actual, double[] expected) {
        for (int i = 0; i < actual.length; i++) assertThat((double) actual[i]).isCloseTo(expected[i], within(2e-6));
    }
}
