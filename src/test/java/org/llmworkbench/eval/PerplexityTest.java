package org.llmworkbench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PerplexityTest {

    @Test
    void uniformGuessOverTheVocabularyHasPerplexityOfTheVocabularySize() {
        assertThat(Perplexity.fromMeanCrossEntropy(Math.log(50_257))).isCloseTo(50_257, within(1e-6));
        assertThat(Perplexity.fromTotal(3 * Math.log(4), 3)).isCloseTo(4, within(1e-12));
        assertThat(Perplexity.bitsPerToken(Math.log(2))).isCloseTo(1, within(1e-12));
        assertThat(Perplexity.fromMeanCrossEntropy(0)).isEqualTo(1.0);
    }

    @Test
    void impossibleLossesAreRefused() {
        assertThatThrownBy(() -> Perplexity.fromMeanCrossEntropy(Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> Perplexity.fromTotal(1, 0)).hasMessageContaining("at least one predicted token");
    }

    @Test
    void aSequenceIsScoredInWindowsThatPredictEveryTokenButTheFirstOnce() {
        GptConfig config = new GptConfig(23, 8, 16, 2, 4, 0.0, true, true);
        int[] ids = {3, 17, 0, 22, 5, 5, 9, 12, 1, 20, 7};
        try (GptModel model = GptModel.create(config, 11)) {
            List<String> seen = new ArrayList<>();
            Perplexity.Result r = Perplexity.of(model, ids, 4,
                    (n, from, to, mean) -> seen.add(n + ":" + from + "-" + to));
            assertThat(seen).containsExactly("1:0-4", "2:4-8", "3:8-10");
            assertThat(r.tokens()).isEqualTo(10);
            assertThat(r.windows()).isEqualTo(3);

            // the same windows by hand: log-softmax in double of each position's logits
            double total = 0;
            int[][] windows = {{0, 4}, {4, 8}, {8, 10}};
            for (int[] w : windows) {
                int length = w[1] - w[0];
                long[] inputs = new long[length];
                for (int i = 0; i < length; i++) inputs[i] = ids[w[0] + i];
                try (NDManager scope = model.manager().newSubManager()) {
                    float[] logits = model.forward(scope.create(inputs, new Shape(1, length))).toFloatArray();
                    for (int i = 0; i < length; i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int v = 0; v < 23; v++) max = Math.max(max, logits[i * 23 + v]);
                        double sum = 0;
                        for (int v = 0; v < 23; v++) sum += Math.exp(logits[i * 23 + v] - max);
                        total += Math.log(sum) + max - logits[i * 23 + ids[w[0] + i + 1]];
                    }
                }
            }
            assertThat(r.crossEntropy()).isCloseTo(total / 10, within(1e-5));
            assertThat(r.perplexity()).isCloseTo(Math.exp(total / 10), within(1e-3));
            assertThat(r.crossEntropy()).as("a random model is near ln 23").isBetween(2.5, 3.8);

            Perplexity.Result whole = Perplexity.of(model, ids, 8);
            assertThat(whole.windows()).isEqualTo(2);
            assertThat(whole.tokens()).isEqualTo(10);
        }
    }

    @Test
    void aBadSequenceOrWindowIsRefusedNamingIt() {
        try (GptModel model = GptModel.create(new GptConfig(23, 8, 16, 1, 4, 0.0, true, true), 1)) {
            assertThatThrownBy(() -> Perplexity.of(model, new int[] {1, 2, 3}, 9))
                    .hasMessage("window must be in [1, 8] (the model's context length), got 9");
            assertThatThrownBy(() -> Perplexity.of(model, new int[] {1}, 4))
                    .hasMessage("need at least 2 tokens to measure perplexity, got 1");
            assertThatThrownBy(() -> Perplexity.of(model, new int[] {1, 23}, 4))
                    .hasMessage("token id 23 at position 1 is outside the model's vocabulary [0, 23)");
        }
    }
}
