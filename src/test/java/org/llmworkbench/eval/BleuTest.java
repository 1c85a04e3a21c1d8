package org.llmworkbench.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Expected values come from sacreBLEU's test suite (test/test_bleu.py) and, for smoothing method 1,
 * from NLTK 3.8's sentence_bleu(..., smoothing_function=SmoothingFunction().method1) on the same tokens.
 */
class BleuTest {
    private static final double EPS = 1e-6;

    private static final List<String> HYPS = List.of("The dog bit the man.", "It wasn't surprising.",
            "The man had just bitten him.");
    private static final List<List<String>> REFS = List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

    /** sacreBLEU's raw_corpus_bleu: whitespace tokens, floor smoothing, effective order. */
    private static Bleu raw(double floor) {
        return new Bleu(Bleu.Tokenization.NONE, Bleu.Smoothing.FLOOR, floor, true);
    }

    @Test
    void corpusBleuOfSacreBleusReadmeExample() {
        assertThat(Bleu.corpusDefault().corpus(HYPS, REFS).score()).isCloseTo(48.530827, within(EPS));
        assertThat(new Bleu(Bleu.Tokenization.THIRTEEN_A, Bleu.Smoothing.NONE, 0, false).corpus(HYPS, REFS).score())
                .isCloseTo(48.530827, within(EPS));
        assertThat(new Bleu(Bleu.Tokenization.NONE, Bleu.Smoothing.EXP, 0, false).corpus(HYPS, REFS).score())
                .isCloseTo(49.1919566, within(EPS));
        assertThat(Bleu.corpusDefault().corpus(List.of("", "", ""), REFS).score()).isZero();
    }

    @Test
    void rawCorpusBleuAndEffectiveOrder() {
        // sacreBLEU 1.x gave 0.38 here; since its issue #141 (and in its 2.x tests) no match at all scores 0.0
        assertThat(raw(0.01).corpusSingleReference(List.of("this is a test", "another test"), List.of("ref1", "ref2"))
                .score()).isZero();
        assertThat(raw(0.01).sentence("this is a test", "this is a test").score()).isCloseTo(100, within(EPS));
        assertThat(raw(0.01).sentence("this is a fest", "this is a test").score()).isCloseTo(22.3606797749979, within(EPS));
        assertThat(raw(0.01).sentence("test", "a test").score()).isCloseTo(36.78794411714425, within(EPS));
        assertThat(raw(0.01).sentence("a test", "a test").score()).isCloseTo(100, within(EPS));
        assertThat(raw(0.01).sentence("a little test", "a test").score()).isCloseTo(3.218297948685433, within(EPS));
    }

    @Test
    void noMatchingNgramAtAllScoresZeroWhateverTheSmoothingAsSacreBleu() {
        assertThat(Bleu.sentenceDefault().sentence("the cat", "a dog").score()).isZero();
        assertThat(Bleu.corpusDefault().corpusSingleReference(List.of("the cat sat on"), List.of("a dog ran by")).score()).isZero();
        assertThat(raw(0.1).sentence("the cat", "a dog").score()).isZero();
        // one matching unigram is enough for the smoothed score to be above 0
        assertThat(Bleu.sentenceDefault().sentence("the cat", "the dog").score()).isPositive();
    }

    @Test
    void statisticsBrevityPenaltyAndFloor() {
        Bleu.Score s = raw(0.1).sentence("am I am a character sequence", "I am a symbol string sequence a a");
        assertThat(s.matches()).containsExactly(4, 2, 1, 0);
        assertThat(s.totals()).containsExactly(6, 5, 4, 3);
        assertThat(s.score()).isCloseTo(15.55722182, within(EPS));
        assertThat(raw(0).sentence("am I am a character sequence", "I am a symbol string sequence a a").score()).isZero();
        Bleu none = new Bleu(Bleu.Tokenization.NONE, Bleu.Smoothing.NONE, 0, false);
        assertThat(none.fromCounts(new long[] {9, 7, 5, 3}, new long[] {10, 8, 6, 4}, 11, 11).score())
                .isCloseTo(83.75922397, within(EPS));
    }

    @Test
    void sentenceBleuWithSmoothingMethod1MatchesNltk() {
        Bleu bleu = Bleu.sentenceDefault();
        assertThat(bleu.sentence("The cat sat on the mat .", "The cat is on the mat .").score())
                .isCloseTo(48.8923022434901, within(EPS));
        assertThat(bleu.sentence("It is a guide to action which ensures that the military always obeys the commands of the party .",
                List.of("It is a guide to action that ensures that the military will forever heed Party commands .",
                        "It is the guiding principle which guarantees the military forces always being under the command of the Party .",
                        "It is the practical guide for the army always to heed the directions of the party .")).score())
                .isCloseTo(54.01725898595141, within(EPS));
        assertThat(bleu.sentence("the quick brown fox jumped over the lazy dog", "the fast brown fox jumps over a sleepy dog")
                .score()).isCloseTo(6.376715693797415, within(EPS));
    }

    @Test
    void thirteenATokenization() {
        Bleu bleu = Bleu.corpusDefault();
        assertThat(bleu.tokenize("It wasn't surprising.")).containsExactly("It", "wasn't", "surprising", ".");
        assertThat(bleu.tokenize("Costs $3,000.50 (in 2020-21), &quot;ok&quot;!"))
                .containsExactly("Costs", "$", "3,000.50", "(", "in", "2020", "-", "21", ")", ",", "\"", "ok", "\"", "!");
    }

    private static final Pattern SYMBOLS = Pattern.compile("([\\{-~\\[-` -&\\(-\\+:-@/])");
    private static final Pattern AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DIGIT_DASH = Pattern.compile("([0-9])(-)");

    /** sacreBLEU's tokenizer_13a + tokenizer_re written with the same regular expressions, as the reference. */
    private static List<String> regex13a(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
                .replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        line = " " + line + " ";
        line = SYMBOLS.matcher(line).replaceAll(" $1 ");
        line = AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
        line = BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
        line = DIGIT_DASH.matcher(line).replaceAll("$1 $2 ");
        String trimmed = line.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    @Test
    void handWritten13aEqualsTheRegularExpressionsOnRandomText() {
        String alphabet = "ab9 0.,,..--'\"$(&;:/\\!?x\n\té";
        Random random = new Random(13);
        Bleu bleu = Bleu.corpusDefault();
        for (int t = 0; t < 3000; t++) {
            StringBuilder s = new StringBuilder();
            int len = random.nextInt(24);
            for (int i = 0; i < len; i++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            assertThat(bleu.tokenize(s.toString())).as("'%s'", s).isEqualTo(regex13a(s.toString()));
        }
    }

    @Test
    void countsAreTheSameForOrdinaryAndHugelyVariedSentences() {
        // one word replaced in the middle: it breaks 1 unigram, 2 bigrams, 3 trigrams, 4 four-grams
        for (int length : new int[] {10, 56_000}) { // 56,000 distinct words take the string-key path
            StringBuilder hyp = new StringBuilder();
            StringBuilder ref = new StringBuilder();
            for (int i = 0; i < length; i++) {
                hyp.append(i == length / 2 ? "changed" : "w" + i).append(' ');
                ref.append("w").append(i).append(' ');
            }
            Bleu.Score s = new Bleu(Bleu.Tokenization.NONE, Bleu.Smoothing.NONE, 0, false).sentence(hyp.toString(), ref.toString());
            assertThat(s.matches()).containsExactly(length - 1, length - 3, length - 5, length - 7);
            double expected = 100 * Math.pow((length - 1.0) / length * (length - 3.0) / (length - 1)
                    * (length - 5.0) / (length - 2) * (length - 7.0) / (length - 3), 0.25);
            assertThat(s.score()).isCloseTo(expected, within(1e-9));
        }
    }
}
