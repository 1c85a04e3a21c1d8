package org.llmworkbench.eval;

import org.junit.jupiter.api.Test;

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
}
