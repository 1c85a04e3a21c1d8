package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.llmworkbench.model.io.StateDict;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MultiHeadAttentionTest {
    NDManager manager;
    NDArray batch; // [2, 5, 4]

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        SplittableRandom rnd = new SplittableRandom(11);
        float[] data = new float[2 * 5 * 4];
        for (int i = 0; i < data.length; i++) data[i] = (float) rnd.nextGaussian();
        batch = manager.create(data, new Shape(2, 5, 4));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void wrapperConcatenatesTheHeadsOutputs() {
        try (MultiHeadAttentionWrapper mha = new MultiHeadAttentionWrapper(manager, 4, 3, 5, 0.0, 2, true, 1)) {
            NDArray out = mha.forward(batch);
            assertThat(out.getShape()).isEqualTo(new Shape(2, 5, 6));
            assertThat(mha.attentionWeights().getShape()).isEqualTo(new Shape(2, 2, 5, 5));
            float[] all = out.toFloatArray();
            for (int h = 0; h < 2; h++) {
                float[] head = mha.heads().get(h).forward(batch).toFloatArray(); // [2, 5, 3]
                for (int row = 0; row < 10; row++) {
                    for (int c = 0; c < 3; c++) assertThat(all[row * 6 + h * 3 + c]).isEqualTo(head[row * 3 + c]);
                }
                assertThat(mha.attentionMatrix(1, h)).isDeepEqualTo(mha.heads().get(h).attentionMatrix(1));
            }
        }
    }

    @Test
    void batchedFormEqualsStackedHeadsWithArrangedWeights() {
        try (MultiHeadAttentionWrapper stacked = new MultiHeadAttentionWrapper(manager, 4, 3, 5, 0.1, 2, true, 2);
             MultiHeadAttention batched = MultiHeadAttention.fromHeads(manager, stacked)) {
            assertThat(batched.numHeads()).isEqualTo(2);
            assertThat(batched.headDim()).isEqualTo(3);
            float[] a = stacked.forward(batch).toFloatArray();
            float[] b = batched.forward(batch).toFloatArray();
            assertThat(b).containsExactly(a, within(1e-6f));
            float[] wa = stacked.attentionWeights().toFloatArray();
            assertThat(batched.attentionWeights().toFloatArray()).containsExactly(wa, within(1e-6f));
            // a differently seeded batched module really computes something else
            try (MultiHeadAttention other = new MultiHeadAttention(manager, 4, 6, 5, 0.0, 2, true, 2)) {
                assertThat(other.forward(batch).toFloatArray()).isNotEqualTo(b);
            }
        }
    }

    @Test
    void batchedWeightsAreCausalPerHead() {
        try (MultiHeadAttention mha = new MultiHeadAttention(manager, 4, 8, 5, 0.0, 4, false, 3)) {
            NDArray out = mha.forward(batch);
            assertThat(out.getShape()).isEqualTo(new Shape(2, 5, 8));
            for (int h = 0; h < 4; h++) {
                float[][] w = mha.attentionMatrix(1, h);
                for (int i = 0; i < 5; i++) {
                    double sum = 0;
                    for (int j = 0; j < 5; j++) {
                        if (j > i) assertThat(w[i][j]).isZero();
                        sum += w[i][j];
                    }
                    assertThat(sum).isCloseTo(1.0, within(1e-6));
                }
            }
            mha.setTraining(true);
            mha.forward(batch);
            float[] trained = mha.attentionWeights().toFloatArray();
            long zeros = 0;
            for (float f : trained) if (f == 0f) zeros++;
            assertThat(zeros).isEqualTo(2 * 4 * 10); // dropout 0: only the masked upper triangle
        }
    }

    @Test
    void stateDictRoundTripsUnderOurNames() {
        try (MultiHeadAttention a = new MultiHeadAttention(manager, 4, 6, 5, 0.0, 2, true, 4);
             MultiHeadAttention b = new MultiHeadAttention(manager, 4, 6, 5, 0.0, 2, true, 5)) {
            StateDict sd = a.stateDict("trf_blocks.0.att.");
            assertThat(sd.names()).containsExactly(
                    "trf_blocks.0.att.W_query.weight", "trf_blocks.0.att.W_query.bias",
                    "trf_blocks.0.att.W_key.weight", "trf_blocks.0.att.W_key.bias",
                    "trf_blocks.0.att.W_value.weight", "trf_blocks.0.att.W_value.bias",
                    "trf_blocks.0.att.out_proj.weight", "trf_blocks.0.att.out_proj.bias");
            assertThat(sd.get("trf_blocks.0.att.W_key.weight").shape()).containsExactly(6, 4);
            b.loadStateDict(sd, "trf_blocks.0.att.");
            assertThat(b.forward(batch).toFloatArray()).containsExactly(a.forward(batch).toFloatArray());
            assertThatThrownBy(() -> new MultiHeadAttention(manager, 4, 6, 5, 0.0, 4, true, 1))
                    .hasMessageContaining("dOut = 6 must be a positive multiple of numHeads = 4");
        }
    }

    @Test
    void gradientsFlowThroughTheScopedForwardPass() {
        try (MultiHeadAttention mha = new MultiHeadAttention(manager, 4, 6, 5, 0.0, 2, true, 6);
             MultiHeadAttentionWrapper stacked = new MultiHeadAttentionWrapper(manager, 4, 3, 5, 0.0, 2, false, 6)) {
            assertThat(stacked.parameters().keySet()).containsExactly(
                    "heads.0.W_query.weight", "heads.0.W_key.weight", "heads.0.W_value.weight",
                    "heads.1.W_query.weight", "heads.1.W_key.weight", "heads.1.W_value.weight");
            mha.parameters().values().forEach(p -> p.setRequiresGradient(true));
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray loss = mha.forward(batch).square().sum();
                gc.backward(loss);
            }
            for (var e : mha.parameters().entrySet()) {
                float[] g = e.getValue().getGradient().toFloatArray();
                double norm = 0;
                for (float f : g) norm += f * f;
                assertThat(norm).as(e.getKey()).isGreaterThan(0);
            }
        }
    }
}
