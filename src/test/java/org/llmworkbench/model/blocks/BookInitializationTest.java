package org.llmworkbench.model.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.Generator;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;

/** The book's untrained GPT-2 small, rebuilt from PyTorch's generator, says what the book prints. */
class BookInitializationTest {

    @Test
    void anUntrainedGpt2SmallInitializedLikeTheBookGeneratesTheBooksTokens() {
        try (GptModel model = GptModel.create(GptConfig.preset("gpt2-small"), 1)) {
            BookInitialization.apply(model, 123);
            // "Hello, I am" → the book's §4.7: "Hello, I am Featureiman Byeswickattribute argue"
            int[] prompt = {15496, 11, 314, 716};
            int[] out = Generator.generate(model, prompt, GenerationConfig.greedy(6).withKvCache(false)).allTokens();
            assertThat(out).containsExactly(15496, 11, 314, 716, 27018, 24086, 47843, 30961, 42348, 7267);
            assertThat(model.parameters().get("trf_blocks.0.norm1.scale").toFloatArray()).containsOnly(1f);
            float bound = (float) (1 / Math.sqrt(768));
            float[] w = model.parameters().get("trf_blocks.11.att.W_query.weight").toFloatArray();
            for (float v : w) assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
        }
    }
}
