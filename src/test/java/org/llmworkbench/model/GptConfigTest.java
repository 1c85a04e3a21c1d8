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
}
