package org.llmworkbench.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BLEU as sacreBLEU computes it: texts are tokenized with the "13a" rules of WMT's mteval script
 * (punctuation split off, periods and commas kept inside numbers, case kept), n-grams up to 4 are
 * counted and clipped by the most any single reference holds, the precisions are combined by a
 * geometric mean and multiplied by the brevity penalty {@code exp(1 - r/c)} when the candidate is
 * shorter than the closest reference. Scores are in [0, 100], as sacreBLEU prints them.
 *
 * <p>Corpus BLEU adds up the counts of all sentences before dividing (it is not a mean of sentence
 * scores). A single sentence often has no matching 4-gram, which would make BLEU 0, so sentence BLEU
 * is smoothed: by default with "method 1" of Chen &amp; Cherry (2014), as NLTK calls it (a zero
 * count becomes 0.1), and with sacreBLEU's effective order (orders longer than the sentence are left out).
 */
public final class Bleu {
    public static final int MAX_ORDER = 4;

    /** How zero n-gram matches are handled. */
    public enum Smoothing {
        /** No smoothing: any zero precision makes BLEU 0. */
        NONE,
        /** Chen &amp; Cherry method 1 / sacreBLEU "floor": a zero count becomes {@code epsilon}. */
        FLOOR,
        /** sacreBLEU's default "exp" (mteval's): the k-th zero precision becomes {@code 1 / (2^k · total)}. */
        EXP
    }

    /** How text becomes tokens before n-grams are counted. */
    public enum Tokenization {
        /** sacreBLEU's default "13a". */
        THIRTEEN_A,
        /** sacreBLEU's "none": split on whitespace only. */
        NONE
    }

    /** A BLEU score with the statistics behind it, as sacreBLEU reports them. */
    public record Score(double score, double[] precisions, double brevityPenalty, long hypothesisLength,
                        long referenceLength, long[] matches, long[] totals) {
        @Override
        public String toString() {
            return String.format("BLEU = %.2f (BP = %.3f, ratio = %.3f, hyp_len = %d, ref_len = %d)",
                    score, brevityPenalty, referenceLength == 0 ? 0 : (double) hypothesisLength / referenceLength,
                    hypothesisLength, referenceLength);
        }
    }

    private final Tokenization tokenization;
    private final Smoothing smoothing;
    private final double epsilon;
    private final boolean effectiveOrder;

    public Bleu(Tokenization tokenization, Smoothing smoothing, double epsilon, boolean effectiveOrder) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("smoothing epsilon must be >= 0, got " + epsilon);
        }
        this.tokenization = tokenization;
        this.smoothing = smoothing;
        this.epsilon = epsilon;
        this.effectiveOrder = effectiveOrder;
    }

    /** sacreBLEU's {@code corpus_bleu} defaults: 13a, exp smoothing, all four orders. */
    public static Bleu corpusDefault() {
        return new Bleu(Tokenization.THIRTEEN_A, Smoothing.EXP, 0, false);
    }

    /** Sentence BLEU: 13a, smoothing method 1 (epsilon 0.1), effective order. */
    public static Bleu sentenceDefault() {
        return new Bleu(Tokenization.THIRTEEN_A, Smoothing.FLOOR, 0.1, true);
    }

    /** BLEU of one hypothesis against one or more references. */
    public Score sentence(String hypothesis, List<String> references) {
        Stats stats = new Stats();
        stats.add(tokenize(hypothesis), references.stream().map(this::tokenize).toList());
        return stats.score();
    }

    public Score sentence(String hypothesis, String reference) {
        return sentence(hypothesis, List.of(reference));
    }

    /**
     * Corpus BLEU. {@code referenceSets} holds one list per reference set, each as long as
     * {@code hypotheses} (sacreBLEU's layout: {@code refs[k][i]} is the k-th reference of sentence i).
     */
    public Score corpus(List<String> hypotheses, List<List<String>> referenceSets) {
        for (int k = 0; k < referenceSets.size(); k++) {
            if (referenceSets.get(k).size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference set " + k + " has " + referenceSets.get(k).size()
                        + " sentences but there are " + hypotheses.size() + " hypotheses");
            }
        }
        Stats stats = new Stats();
        for (int i = 0; i < hypotheses.size(); i++) {
            List<List<String>> refs = new ArrayList<>(referenceSets.size());
            for (List<String> set : referenceSets) refs.add(tokenize(set.get(i)));
            stats.add(tokenize(hypotheses.get(i)), refs);
        }
        return stats.score();
    }

    /** Corpus BLEU with one reference per hypothesis. */
    public Score corpusSingleReference(List<String> hypotheses, List<String> references) {
        return corpus(hypotheses, List.of(references));
    }

    /** The score from given counts, as sacreBLEU's {@code compute_bleu}. */
    public Score fromCounts(long[] matches, long[] totals, long hypothesisLength, long referenceLength) {
        Stats s = new Stats();
        System.arraycopy(matches, 0, s.matches, 0, MAX_ORDER);
        System.arraycopy(totals, 0, s.totals, 0, MAX_ORDER);
        s.hypLength = hypothesisLength;
        s.refLength = referenceLength;
        return s.score();
    }

    // --- tokenization ---

    private static final Pattern SYMBOLS = Pattern.compile("([\\{-~\\[-` -&\\(-\\+:-@/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    public List<String> tokenize(String text) {
        String line = text;
        if (tokenization == Tokenization.THIRTEEN_A) {
            line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
            if (line.indexOf('&') >= 0) {
                line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            }
            line = " " + line + " ";
            line = SYMBOLS.matcher(line).replaceAll(" $1 ");
            line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
            line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
            line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        }
        return splitWhitespace(line);
    }

    private static List<String> splitWhitespace(String line) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean space = i == line.length() || Character.isWhitespace(line.charAt(i));
            if (!space && start < 0) {
                start = i;
            } else if (space && start >= 0) {
                tokens.add(line.substring(start, i));
                start = -1;
            }
        }
        return tokens;
    }

    // --- counting and scoring ---

    private final class Stats {
        final long[] matches = new long[MAX_ORDER];
        final long[] totals = new long[MAX_ORDER];
        long hypLength;
        long refLength;

        void add(List<String> hyp, List<List<String>> refs) {
            hypLength += hyp.size();
            refLength += closestReferenceLength(hyp.size(), refs);
            for (int n = 1; n <= MAX_ORDER; n++) {
                Map<String, Integer> hypCounts = ngrams(hyp, n);
                Map<String, Integer> maxRef = new HashMap<>();
                for (List<String> ref : refs) {
                    ngrams(ref, n).forEach((g, c) -> maxRef.merge(g, c, Math::max));
                }
                long matched = 0;
                for (Map.Entry<String, Integer> e : hypCounts.entrySet()) {
                    matched += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
                }
                matches[n - 1] += matched;
                totals[n - 1] += Math.max(0, hyp.size() - n + 1);
            }
        }

        /** The reference length closest to the hypothesis length; on a tie, the shorter. */
        private long closestReferenceLength(int hypLen, List<List<String>> refs) {
            long best = -1;
            for (List<String> ref : refs) {
                int len = ref.size();
                if (best < 0 || Math.abs(len - hypLen) < Math.abs(best - hypLen)
                        || (Math.abs(len - hypLen) == Math.abs(best - hypLen) && len < best)) {
                    best = len;
                }
            }
            return Math.max(best, 0);
        }

        Score score() {
            double[] precisions = new double[MAX_ORDER];
            double bp = hypLength == 0 ? 0 : hypLength < refLength ? Math.exp(1 - (double) refLength / hypLength) : 1;
            if (hypLength == 0) {
                return new Score(0, precisions, bp, hypLength, refLength, matches.clone(), totals.clone());
            }
            int order = MAX_ORDER;
            double expFactor = 1;
            for (int n = 0; n < MAX_ORDER; n++) {
                if (totals[n] == 0) {
                    if (effectiveOrder) {
                        order = n;
                        break;
                    }
                    precisions[n] = 0;
                    continue;
                }
                if (matches[n] > 0) {
                    precisions[n] = 100.0 * matches[n] / totals[n];
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n] = 100.0 * epsilon / totals[n];
                } else if (smoothing == Smoothing.EXP) {
                    expFactor *= 2;
                    precisions[n] = 100.0 / (expFactor * totals[n]);
                }
            }
            double logSum = 0;
            for (int n = 0; n < order; n++) {
                if (precisions[n] <= 0) {
                    return new Score(0, precisions, bp, hypLength, refLength, matches.clone(), totals.clone());
                }
                logSum += Math.log(precisions[n]);
            }
            double score = order == 0 ? 0 : bp * Math.exp(logSum / order);
            return new Score(score, precisions, bp, hypLength, refLength, matches.clone(), totals.clone());
        }
    }

    private static Map<String, Integer> ngrams(List<String> tokens, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            String key = n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n));
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }
}
