package org.llmworkbench.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GptConfigTest {
    @Test
    void presetsHaveTheGpt2Shapes() {
        assertThat(GptConfig.preset("gpt2-medium")).extracting(GptConfig::embDim, GptConfig::nLayers, GptConfig::nHeads)
                .containsExactly(1024, 24, 16);
        assertThat(GptConfig.preset("gpt2-large")).extracting(GptConfig::embDim, GptConfig::nLayers, GptConfig::nHeads)
                .containsExactly(1280, 36, 20);
        assertThat(GptConfig.preset("gpt2-xl")).extracting(GptConfig::embDim, GptConfig::nLayers, GptConfig::nHeads)
                .containsExactly(1600, 48, 25);
        GptConfig tiny = GptConfig.preset("workshop-tiny");
        assertThat(tiny).extracting(GptConfig::nLayers, GptConfig::embDim, GptConfig::nHeads, GptConfig::contextLength)
                .containsExactly(4, 128, 4, 128);
        for (String name : GptConfig.presetNames()) {
            assertThat(GptConfig.preset(name).vocabSize()).isEqualTo(50_257);
        }
        // The released checkpoints (tied, qkv bias): the well-known 355M / 774M / 1558M.
        assertThat(GptConfig.preset("gpt2-medium").asOpenAiCheckpoint().parameterCount()).isEqualTo(354_823_168L);
        assertThat(GptConfig.preset("gpt2-large").asOpenAiCheckpoint().parameterCount()).isEqualTo(774_030_080L);
        assertThat(GptConfig.preset("gpt2-xl").asOpenAiCheckpoint().parameterCount()).isEqualTo(1_557_611_200L);
    }

    @Test
    void invalidConfigsNameTheFieldAndRange() {
        GptConfig ok = GptConfig.preset("workshop-tiny");
        assertThatThrownBy(() -> ok.withNHeads(3)).hasMessageContaining("embDim").hasMessageContaining("nHeads");
        assertThatThrownBy(() -> ok.withNLayers(0)).hasMessageContaining("nLayers must be >= 1");
        assertThatThrownBy(() -> ok.withVocabSize(-5)).hasMessageContaining("vocabSize");
        assertThatThrownBy(() -> ok.withContextLength(0)).hasMessageContaining("contextLength");
        assertThatThrownBy(() -> ok.withDropRate(1.0)).hasMessageContaining("dropRate must be in [0, 1)");
        assertThatThrownBy(() -> ok.withDropRate(-0.1)).hasMessageContaining("dropRate");
        assertThatThrownBy(() -> GptConfig.preset("gpt5")).hasMessageContaining("gpt2-small");
        assertThat(ok.withEmbDim(256).embDim()).isEqualTo(256);
    }

    @Test
    void memoryEstimateAddsUp() {
        MemoryEstimate m = MemoryEstimate.of(GptConfig.preset("gpt2-small"), 2, 256);
        assertThat(m.parameterBytes()).isEqualTo(163_009_536L * 4);
        assertThat(m.optimizerBytes()).isEqualTo(2 * m.parameterBytes());
        assertThat(m.trainingBytes()).isEqualTo(4 * m.parameterBytes() + m.activationBytes());
        assertThat(m.activationBytes()).isGreaterThan(2L * 256 * 50_257 * 4);
        assertThatThrownBy(() -> MemoryEstimate.of(GptConfig.preset("gpt2-small"), 1, 2048)).hasMessageContaining("tokens");
    }

    @Test
    void activationDefaultsToTanhGeluAndEveryWithKeepsIt() {
        GptConfig tanh = new GptConfig(97, 16, 24, 2, 3, 0.1, false, false);
        assertThat(tanh.activation()).isEqualTo(GptConfig.Activation.GELU_TANH);
        assertThat(new GptConfig(97, 16, 24, 2, 3, 0.1, false, false, null).activation())
                .isEqualTo(GptConfig.Activation.GELU_TANH);
        GptConfig exact = tanh.withActivation(GptConfig.Activation.GELU);
        assertThat(exact.activation()).isEqualTo(GptConfig.Activation.GELU);
        assertThat(exact).isNotEqualTo(tanh);
        for (GptConfig c : java.util.List.of(exact.withVocabSize(50), exact.withContextLength(8), exact.withEmbDim(30),
                exact.withNLayers(1), exact.withNHeads(2), exact.withDropRate(0.0), exact.withQkvBias(true),
                exact.withTiedHead(true), exact.asOpenAiCheckpoint())) {
            assertThat(c.activation()).as(c.toString()).isEqualTo(GptConfig.Activation.GELU);
        }
        assertThat(exact.withActivation(GptConfig.Activation.GELU_TANH)).isEqualTo(tanh);
    }

    @Test
    void activationParsesHuggingFaceNames() {
        assertThat(GptConfig.Activation.fromHfName("gelu")).isEqualTo(GptConfig.Activation.GELU);
        for (String tanh : new String[] {"gelu_new", "gelu_pytorch_tanh", "gelu_fast"}) {
            assertThat(GptConfig.Activation.fromHfName(tanh)).as(tanh).isEqualTo(GptConfig.Activation.GELU_TANH);
        }
        assertThat(GptConfig.Activation.GELU.hfName()).isEqualTo("gelu");
        assertThat(GptConfig.Activation.GELU_TANH.hfName()).isEqualTo("gelu_new");
        assertThatThrownBy(() -> GptConfig.Activation.fromHfName("relu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'relu'").hasMessageContaining("gelu_new").hasMessageContaining("gelu_pytorch_tanh");
        assertThatThrownBy(() -> GptConfig.Activation.fromHfName("GELU")).hasMessageContaining("'GELU'");
    }
}
