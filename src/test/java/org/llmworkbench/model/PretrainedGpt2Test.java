package org.llmworkbench.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.model.io.HfGpt2Layout;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PretrainedGpt2Test {
    @Test
    void huggingFaceDirectoryRoundTripGivesTheSameLogits(@TempDir Path dir) throws Exception {
        for (boolean tied : new boolean[] {true, false}) {
            GptConfig cfg = new GptConfig(40, 10, 16, 2, 4, 0.1, true, tied);
            Path out = dir.resolve("tied-" + tied);
            float[] expected;
            try (GptModel original = GptModel.create(cfg, 99); NDManager step = original.manager().newSubManager()) {
                HfGpt2Layout.save(out, PretrainedGpt2.toCheckpoint(original));
                expected = original.forward(step.create(new long[] {1, 5, 7, 39}, new Shape(1, 4))).toFloatArray();
            }
            assertThat(out.resolve("model.safetensors")).exists();
            try (GptModel loaded = PretrainedGpt2.load(out, Device.cpu());
                 NDManager step = loaded.manager().newSubManager()) {
                assertThat(loaded.config().tiedHead()).isEqualTo(tied);
                assertThat(loaded.config().qkvBias()).isTrue();
                float[] got = loaded.forward(step.create(new long[] {1, 5, 7, 39}, new Shape(1, 4))).toFloatArray();
                assertThat(got).containsExactly(expected);
            }
        }
    }

    @Test
    void exactGeluModelExportsAndLoadsBackAsExactGelu(@TempDir Path dir) throws Exception {
        GptConfig cfg = new GptConfig(40, 10, 16, 2, 4, 0.1, false, true).withActivation(GptConfig.Activation.GELU);
        Path out = dir.resolve("exact");
        long[] ids = {1, 5, 7, 39, 0, 12};
        float[] expected;
        try (GptModel original = GptModel.create(cfg, 7); NDManager step = original.manager().newSubManager()) {
            TestWeights.scaled(original, new java.util.Random(3));
            HfGpt2Layout.save(out, PretrainedGpt2.toCheckpoint(original));
            expected = original.forward(step.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
        assertThat(Files.readString(out.resolve("config.json"))).contains("\"activation_function\" : \"gelu\"");
        try (GptModel loaded = PretrainedGpt2.load(out, Device.cpu()); NDManager step = loaded.manager().newSubManager()) {
            assertThat(loaded.config().activation()).isEqualTo(GptConfig.Activation.GELU);
            float[] got = loaded.forward(step.create(ids, new Shape(1, ids.length))).toFloatArray();
            assertThat(got).containsExactly(expected);
            // the same weights under the tanh form compute something else: the activation really travelled
            try (GptModel tanh = GptModel.create(loaded.config().withActivation(GptConfig.Activation.GELU_TANH), 0)) {
                tanh.loadStateDict(loaded.parameters());
                float[] other = tanh.forward(tanh.manager().create(ids, new Shape(1, ids.length))).toFloatArray();
                assertThat(other).isNotEqualTo(expected);
            }
        }
    }

    @Test
    void missingDirectoryIsAClearError(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> PretrainedGpt2.load(dir.resolve("empty"))).hasMessageContaining("config.json");
        try (GptModel noBias = GptModel.create(new GptConfig(40, 10, 16, 1, 4, 0.1, false, true), 1)) {
            // GPT-2's layout always has q/k/v biases: a model without them exports zeros (the same computation)
            var exported = PretrainedGpt2.toCheckpoint(noBias).stateDict();
            assertThat(exported.get("trf_blocks.0.att.W_key.bias").data()).hasSize(16).containsOnly(0f);
        }
    }
}
