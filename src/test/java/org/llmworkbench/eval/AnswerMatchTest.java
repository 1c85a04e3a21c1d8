package org.llmworkbench.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AnswerMatchTest {

    @Test
    void exactMatchIgnoresCaseArticlesPunctuationAndSpacing() {
        assertThat(AnswerMatch.exactMatch("eiffel tower", "The  Eiffel Tower!")).isTrue();
        assertThat(AnswerMatch.exactMatch("Paris", "Paris, France")).isFalse();
        assertThat(AnswerMatch.normalizedTokens("An apple, the pear; a PLUM.")).containsExactly("apple", "pear", "plum");
    }

    @Test
    void tokenF1CountsSharedTokensWithMultiplicity() {
        // reference [cat, sat, on, mat], prediction [cat, on, mat]: P = 1, R = 3/4
        assertThat(AnswerMatch.f1("the cat sat on the mat", "a cat on a mat")).isCloseTo(6 / 7.0, within(1e-12));
        assertThat(AnswerMatch.f1("Paris", "Paris, France")).isCloseTo(2 / 3.0, within(1e-12));
        // "a a b" vs "a": only one "a" is shared -> P = 1, R = 1/2 ("a" is an article only as a whole token)
        assertThat(AnswerMatch.f1("x x y", "x")).isCloseTo(0.5, within(1e-12));
        assertThat(AnswerMatch.f1("blue", "red")).isZero();
        assertThat(AnswerMatch.f1("the", "")).isEqualTo(1.0);
        assertThat(AnswerMatch.f1("cat", "")).isZero();
    }
}
