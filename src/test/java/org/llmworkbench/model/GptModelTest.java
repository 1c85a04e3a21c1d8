package org.llmworkbench.model;

import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.reference.ReferenceGpt;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GptModelTest {

    private static final GptConfig SMALL = new GptConfig(97, 16, 24, 2, 3, 0.1, false, false);

    private static int[] randomIds(Random r, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(vocab);
        return ids;
    }

    @Test
    void logitsMatchPlainJavaReferenceOnSeveralConfigs() {
        List<GptConfig> configs = List.of(
                SMALL,
                new GptConfig(50, 12, 16, 3, 4, 0.0, true, true),
                new GptConfig(31, 10, 12, 1, 1, 0.2, true, false),
                new GptConfig(64, 9, 32, 2, 8, 0.1, false, true));
        Random r = new Random(7);
        for (GptConfig cfg : configs) {
            try (GptModel model = GptModel.create(cfg, 42)) {
                TestWeights.scaled(model, r);
                ReferenceGpt ref = TestWeights.reference(model);
                int[] tokens = randomIds(r, cfg.contextLength(), cfg.vocabSize());
                double[][] expected = ref.logits(tokens);
                try (NDManager step = model.manager().newSubManager()) {
                    float[] got = model.forward(TestWeights.ids(step, tokens)).toFloatArray();
                    assertClose(expected, got, cfg.vocabSize(), cfg.toString());
                }
                // With a KV cache: prefill a few tokens, then feed one at a time.
                try (KvCache cache = new KvCache(model); NDManager step = model.manager().newSubManager()) {
                    int prefill = 3;
                    int[] head = java.util.Arrays.copyOf(tokens, prefill);
                    float[] first = model.forward(TestWeights.ids(step, head), cache, false).toFloatArray();
                    assertClose(java.util.Arrays.copyOf(expected, prefill), first, cfg.vocabSize(), "prefill " + cfg);
                    for (int i = prefill; i < tokens.length; i++) {
                        float[] one = model.forward(TestWeights.ids(step, new int[] {tokens[i]}), cache, true).toFloatArray();
                        assertClose(new double[][] {expected[i]}, one, cfg.vocabSize(), "decode " + i + " " + cfg);
                    }
                    assertThat(cache.length()).isEqualTo(tokens.length);
                }
            }
        }
    }

    @Test
    void exactGeluModelMatchesTheExactReferenceAndDiffersFromTanh() {
        List<GptConfig> configs = List.of(
                SMALL.withActivation(GptConfig.Activation.GELU),
                new GptConfig(50, 12, 16, 3, 4, 0.0, true, true, GptConfig.Activation.GELU));
        Random r = new Random(11);
        for (GptConfig cfg : configs) {
            try (GptModel model = GptModel.create(cfg, 42)) {
                TestWeights.scaled(model, r);
                ReferenceGpt ref = TestWeights.reference(model);
                int[] tokens = randomIds(r, cfg.contextLength(), cfg.vocabSize());
                double[][] expected = ref.logits(tokens);
                double[][] tanh = new ReferenceGpt(cfg.withActivation(GptConfig.Activation.GELU_TANH),
                        weightsOf(model)).logits(tokens);
                try (NDManager step = model.manager().newSubManager()) {
                    float[] got = model.forward(TestWeights.ids(step, tokens)).toFloatArray();
                    assertClose(expected, got, cfg.vocabSize(), cfg.toString());
                    // the comparison can tell the two GELUs apart: the tanh form is several times outside the 1e-4 tolerance
                    assertThat(maxDiff(tanh, got, cfg.vocabSize())).as("exact vs tanh reference").isGreaterThan(3e-4);
                }
                try (KvCache cache = new KvCache(model); NDManager step = model.manager().newSubManager()) {
                    int[] head = java.util.Arrays.copyOf(tokens, 3);
                    model.forward(TestWeights.ids(step, head), cache, false);
                    for (int i = 3; i < tokens.length; i++) {
                        float[] one = model.forward(TestWeights.ids(step, new int[] {tokens[i]}), cache, true).toFloatArray();
                        assertClose(new double[][] {expected[i]}, one, cfg.vocabSize(), "decode " + i + " " + cfg);
                    }
                }
            }
        }
    }

    @Test
    void geluFormsAgreeWithTheirFormulas() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] xs = {-4f, -1.5f, -0.3f, 0f, 0.2f, 1f, 2.5f, 6f};
            NDArray x = m.create(xs);
            float[] tanh = new Gelu(m, GptConfig.Activation.GELU_TANH).forward(x).toFloatArray();
            float[] exact = new Gelu(m, GptConfig.Activation.GELU).forward(x).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                assertThat((double) tanh[i]).as("tanh gelu(%s)", xs[i]).isCloseTo(ReferenceGpt.gelu(xs[i]), org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) exact[i]).as("exact gelu(%s)", xs[i]).isCloseTo(ReferenceGpt.geluExact(xs[i]), org.assertj.core.data.Offset.offset(1e-6));
            }
            // Phi(1) = 0.8413447460685429: the exact form at 1; the tanh form is 0.8411919906082768
            assertThat(ReferenceGpt.geluExact(1.0)).isCloseTo(0.8413447460685429, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(ReferenceGpt.gelu(1.0)).isCloseTo(0.8411919906082768, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    private static Map<String, float[]> weightsOf(GptModel model) {
        Map<String, float[]> weights = new HashMap<>();
        model.stateDict().forEach((name, array) -> weights.put(name, array.toFloatArray()));
        return weights;
    }

    private static double maxDiff(double[][] expected, float[] got, int vocab) {
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < vocab; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[i][j] - got[i * vocab + j]));
            }
        }
        return maxDiff;
    }

    private static void assertClose(double[][] expected, float[] got, int vocab, String what) {
        assertThat(got).hasSize(expected.length * vocab);
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < vocab; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[i][j] - got[i * vocab + j]));
            }
        }
        assertThat(maxDiff).as("max |logit - reference| for %s", what).isLessThan(1e-4);
    }

    @Test
    void lastPositionOnlyGivesLastRowOfFullLogits() {
        try (GptModel model = GptModel.create(SMALL, 1); NDManager step = model.manager().newSubManager()) {
            int[] tokens = {5, 9, 13, 2, 77};
            float[] full = model.forward(TestWeights.ids(step, tokens)).toFloatArray();
            try (KvCache cache = new KvCache(model)) {
                NDArray last = model.forward(TestWeights.ids(step, tokens), cache, true);
                assertThat(last.getShape()).isEqualTo(new Shape(1, 1, 97));
                float[] l = last.toFloatArray();
                for (int j = 0; j < 97; j++) {
                    assertThat(l[j]).isCloseTo(full[4 * 97 + j], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void gpt2SmallParameterCountsMatchTheBook() {
        GptConfig small = GptConfig.preset("gpt2-small");
        assertThat(small.parameterCount()).isEqualTo(163_009_536L);
        assertThat(small.withTiedHead(true).parameterCount()).isEqualTo(124_412_160L);
        assertThat(small.withTiedHead(true).withQkvBias(true).parameterCount()).isEqualTo(124_439_808L);
        try (GptModel model = GptModel.create(small.asOpenAiCheckpoint(), 0)) {
            assertThat(model.parameterCount()).isEqualTo(124_439_808L);
            assertThat(model.stateDict()).doesNotContainKey("out_head.weight")
                    .containsKey("trf_blocks.11.att.W_value.bias");
            assertThat(model.stateDict().get("trf_blocks.3.ff.layers.0.weight").getShape()).isEqualTo(new Shape(3072, 768));
            assertThat(model.stateDict().get("trf_blocks.3.ff.layers.2.weight").getShape()).isEqualTo(new Shape(768, 3072));
        }
    }

    @Test
    void analyticCountAgreesWithBuiltModelForEveryOption() {
        for (boolean tied : new boolean[] {false, true}) {
            for (boolean bias : new boolean[] {false, true}) {
                GptConfig cfg = SMALL.withTiedHead(tied).withQkvBias(bias);
                try (GptModel model = GptModel.create(cfg, 3)) {
                    assertThat(model.parameterCount()).as(cfg.toString()).isEqualTo(cfg.parameterCount());
                    assertThat(model.stateDict().containsKey("out_head.weight")).isEqualTo(!tied);
                    assertThat(model.stateDict().containsKey("trf_blocks.1.att.W_key.bias")).isEqualTo(bias);
                }
            }
        }
    }

    @Test
    void stateDictHasTheBookNamesInOrder() {
        try (GptModel model = GptModel.create(SMALL.withNLayers(1), 0)) {
            assertThat(model.stateDict().keySet()).containsExactly(
                    "tok_emb.weight", "pos_emb.weight",
                    "trf_blocks.0.norm1.scale", "trf_blocks.0.norm1.shift",
                    "trf_blocks.0.att.W_query.weight", "trf_blocks.0.att.W_key.weight",
                    "trf_blocks.0.att.W_value.weight", "trf_blocks.0.att.out_proj.weight",
                    "trf_blocks.0.att.out_proj.bias",
                    "trf_blocks.0.norm2.scale", "trf_blocks.0.norm2.shift",
                    "trf_blocks.0.ff.layers.0.weight", "trf_blocks.0.ff.layers.0.bias",
                    "trf_blocks.0.ff.layers.2.weight", "trf_blocks.0.ff.layers.2.bias",
                    "final_norm.scale", "final_norm.shift", "out_head.weight");
            assertThat(model.stateDict().values()).allMatch(NDArray::hasGradient);
        }
    }

    @Test
    void sameSeedSameWeightsAndInitStatistics() {
        try (GptModel a = GptModel.create(SMALL, 11); GptModel b = GptModel.create(SMALL, 11);
             GptModel c = GptModel.create(SMALL, 12)) {
            float[] wa = a.stateDict().get("trf_blocks.1.ff.layers.0.weight").toFloatArray();
            assertThat(b.stateDict().get("trf_blocks.1.ff.layers.0.weight").toFloatArray()).containsExactly(wa);
            assertThat(c.stateDict().get("trf_blocks.1.ff.layers.0.weight").toFloatArray()).isNotEqualTo(wa);
            double sq = 0;
            for (float f : wa) sq += f * f;
            assertThat(Math.sqrt(sq / wa.length)).isBetween(0.017, 0.023);
            assertThat(a.stateDict().get("trf_blocks.0.norm1.scale").toFloatArray()).containsOnly(1f);
            assertThat(a.stateDict().get("trf_blocks.0.ff.layers.2.bias").toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void forwardIsDifferentiableAndDropoutOnlyInTraining() {
        try (GptModel model = GptModel.create(SMALL, 5); NDManager step = model.manager().newSubManager()) {
            int[] tokens = {1, 2, 3, 4, 5, 6};
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(TestWeights.ids(step, tokens), true);
                NDArray loss = Losses.crossEntropy(logits, step.create(new long[] {2, 3, 4, 5, 6, 7}, new Shape(1, 6)), -100);
                gc.backward(loss);
            }
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                float[] g = e.getValue().getGradient().toFloatArray();
                double norm = 0;
                for (float f : g) norm += Math.abs(f);
                assertThat(norm).as("gradient of %s", e.getKey()).isGreaterThan(0);
            }
            float[] eval1 = model.forward(TestWeights.ids(step, tokens)).toFloatArray();
            // Recording gradients inside a collector gives the same numbers.
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                float[] recorded = model.forward(TestWeights.ids(step, tokens), false).toFloatArray();
                for (int i = 0; i < eval1.length; i++) {
                    assertThat(recorded[i]).isCloseTo(eval1[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
            float[] eval2 = model.forward(TestWeights.ids(step, tokens)).toFloatArray();
            float[] train = model.forward(TestWeights.ids(step, tokens), true).toFloatArray();
            assertThat(eval2).containsExactly(eval1);
            assertThat(train).isNotEqualTo(eval1);
        }
    }

    @Test
    void loadStateDictRejectsWrongNamesAndShapesClearly() {
        try (GptModel model = GptModel.create(SMALL, 0)) {
            Map<String, Object> state = new HashMap<>(model.stateDict());
            state.remove("final_norm.shift");
            state.put("extra.weight", new NamedTensor("extra.weight", new long[] {1}, new float[1]));
            assertThatThrownBy(() -> model.loadStateDict(state))
                    .hasMessageContaining("missing: [final_norm.shift]")
                    .hasMessageContaining("unexpected: [extra.weight]");
            Map<String, Object> wrong = new HashMap<>(model.stateDict());
            wrong.put("pos_emb.weight", new NamedTensor("pos_emb.weight", new long[] {8, 24}, new float[8 * 24]));
            assertThatThrownBy(() -> model.loadStateDict(wrong))
                    .hasMessageContaining("pos_emb.weight").hasMessageContaining("(8, 24)");
        }
    }

    @Test
    void contextOverflowIsAClearError() {
        try (GptModel model = GptModel.create(SMALL, 0); NDManager step = model.manager().newSubManager()) {
            assertThatThrownBy(() -> model.forward(TestWeights.ids(step, new int[17])))
                    .hasMessageContaining("contextLength is 16");
        }
    }

    @Test
    void parameterSummaryAddsUpToTheTotal() {
        try (GptModel model = GptModel.create(SMALL, 0)) {
            Map<String, Long> parts = ParameterSummary.byComponent(model);
            assertThat(parts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(model.parameterCount());
            assertThat(parts.get("token embedding")).isEqualTo(97L * 24);
            assertThat(parts.get("feed-forward")).isEqualTo(2L * (24 * 96 + 96 + 96 * 24 + 24));
            assertThat(parts.get("layer norms")).isEqualTo(2L * 4 * 24 + 2 * 24);
        }
    }

    @Test
    void parameterNamesAndShapesAreGpt2sTable() {
        GptConfig cfg = new GptConfig(50, 10, 24, 2, 4, 0.0, true, false);
        try (GptModel model = GptModel.create(cfg, 1)) {
            var table = org.llmworkbench.model.io.Gpt2Parameters.oursShapes(
                    new org.llmworkbench.model.io.HfGpt2Config(50, 10, 24, 2, 4, 1e-5, false));
            assertThat(model.parameters().keySet()).containsExactlyElementsOf(table.keySet());
            model.parameters().forEach((name, p) -> assertThat(p.getShape().getShape()).as(name).containsExactly(table.get(name)));
        }
    }
}
