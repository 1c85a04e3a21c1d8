package org.llmworkbench.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainConfigTest {

    @Test
    void toBuilderKeepsEveryValue() {
        TrainConfig cosine = TrainConfig.builder().maxSteps(7).maxEpochs(2).maxTokens(999).gradAccumulation(3)
                .learningRate(5e-4).warmupCosine(1e-5, 4, 1e-6).betas(0.8, 0.95).eps(1e-6).weightDecay(0.01)
                .decay(AdamW.DecayPolicy.ALL).clipNorm(1.0).evalEvery(5).evalBatches(2).sampleEvery(6)
                .checkpointEvery(3).keepLast(4).seed(42).build();
        assertThat(cosine.toBuilder().build()).isEqualTo(cosine);
        // warmup then a constant rate: only the record itself can say so; the builder must keep it
        TrainConfig warmupConstant = new TrainConfig(10, 0, 0, 1, 1e-3, 0, 0, 3, false, cosine.optimizer(), 0,
                0, 0, 0, 0, 2, 123);
        assertThat(warmupConstant.toBuilder().build()).isEqualTo(warmupConstant);
        assertThat(warmupConstant.toBuilder().maxSteps(11).build().maxSteps()).isEqualTo(11);
    }

    @Test
    void aLearningRateOfZeroOrLessIsRefused() {
        assertThatThrownBy(() -> TrainConfig.builder().maxSteps(1).learningRate(0).build())
                .hasMessage("learningRate must be in (0, 10] (0 would train nothing), got 0.0");
        assertThatThrownBy(() -> TrainConfig.builder().maxSteps(1).learningRate(-1e-4).build())
                .hasMessageContaining("learningRate").hasMessageContaining("got -1.0E-4");
        assertThatThrownBy(() -> TrainConfig.builder().maxSteps(1).learningRate(Double.NaN).build())
                .hasMessageContaining("learningRate");
        assertThat(TrainConfig.builder().maxSteps(1).learningRate(1e-9).build().learningRate()).isEqualTo(1e-9);
        // the warmup start and the decay floor may be 0
        assertThat(TrainConfig.builder().maxSteps(1).warmupCosine(0, 1, 0).build().initialLearningRate()).isZero();
    }

    @Test
    void aRunWithoutAnEndFailsNamingTheFields() {
        assertThatThrownBy(() -> TrainConfig.builder().build())
                .hasMessageContaining("maxSteps, maxEpochs or maxTokens");
    }
}
