package org.llmworkbench.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Expected values are rouge-score's own unit tests (rouge_scorer_test.py): score(target, prediction). */
class RougeTest {
    private static final double EPS = 1e-9;
    private final Rouge rouge = Rouge.standard();

    @Test
    void rouge1() {
        Rouge.Score s = rouge.score("testing one two", "testing").rouge1();
        assertThat(s.precision()).isCloseTo(1, within(EPS));
        assertThat(s.recall()).isCloseTo(1 / 3.0, within(EPS));
        assertThat(s.f1()).isCloseTo(0.5, within(EPS));
    }

    @Test
    void rouge2() {
        Rouge.Score s = rouge.score("testing one two", "testing one").rouge2();
        assertThat(s.precision()).isCloseTo(1, within(EPS));
        assertThat(s.recall()).isCloseTo(0.5, within(EPS));
        assertThat(s.f1()).isCloseTo(2 / 3.0, within(EPS));
    }

    @Test
    void rougeLConsecutiveAndNonConsecutive() {
        for (String prediction : new String[] {"testing one", "testing two"}) {
            Rouge.Score s = rouge.score("testing one two", prediction).rougeL();
            assertThat(s.precision()).isCloseTo(1, within(EPS));
            assertThat(s.recall()).isCloseTo(2 / 3.0, within(EPS));
            assertThat(s.f1()).isCloseTo(0.8, within(EPS));
        }
        // word order matters for L but not for 1: "text first" vs "first text"
        Rouge.Scores swapped = rouge.score("first text", "text first");
        assertThat(swapped.rouge1().f1()).isCloseTo(1, within(EPS));
        assertThat(swapped.rouge2().f1()).isZero();
        assertThat(swapped.rougeL().f1()).isCloseTo(0.5, within(EPS));
    }

    @Test
    void emptyOrSymbolOnlyTextScoresZero() {
        Rouge.Scores empty = rouge.score("testing one two", "");
        assertThat(empty.rouge1().f1()).isZero();
        assertThat(empty.rouge2().f1()).isZero();
        assertThat(empty.rougeL().precision()).isZero();
        assertThat(rouge.score("w1 w2 w3 w4 w5", "/").rougeL().f1()).isZero();
    }

    @Test
    void tokenizerLowercasesAndSplitsOnNonAlphanumerics() {
        assertThat(rouge.tokenize("Hello, World! It's 2-for-1 café")).containsExactly(
                "hello", "world", "it", "s", "2", "for", "1", "caf");
    }

    @Test
    void stemmingStemsWordsLongerThanThreeLetters() {
        // without stemming only "quickly" is shared; with it cat(s), run(s/ning) and quickli match (3 of 4 / 3 of 5)
        String reference = "The cats were running quickly";
        String candidate = "A cat runs quickly";
        assertThat(rouge.score(reference, candidate).rouge1().f1()).isCloseTo(2 * 0.25 * 0.2 / 0.45, within(EPS));
        Rouge.Score stemmed = Rouge.withStemming().score(reference, candidate).rouge1();
        assertThat(stemmed.precision()).isCloseTo(0.75, within(EPS));
        assertThat(stemmed.recall()).isCloseTo(0.6, within(EPS));
        assertThat(Rouge.withStemming().tokenize("The cats were running")).containsExactly("the", "cat", "were", "run");
    }
}
