package org.llmworkbench.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L as Google's {@code rouge-score} package computes them: both texts are
 * lower-cased, every run of characters other than {@code a-z0-9} splits tokens (so non-ASCII
 * letters split too), words longer than three letters are optionally Porter-stemmed, and each
 * metric reports precision (overlap / candidate tokens), recall (overlap / reference tokens) and
 * their harmonic mean F1. ROUGE-N counts clipped n-gram overlaps; ROUGE-L uses the length of the
 * longest common subsequence. Scores are fractions in [0, 1].
 */
public final class Rouge {

    /** One metric's precision, recall and F1, each in [0, 1]. */
    public record Score(double precision, double recall, double f1) {
        static final Score ZERO = new Score(0, 0, 0);

        static Score of(double overlap, int candidateCount, int referenceCount) {
            if (overlap == 0 || candidateCount == 0 || referenceCount == 0) return ZERO;
            double p = overlap / candidateCount;
            double r = overlap / referenceCount;
            return new Score(p, r, 2 * p * r / (p + r));
        }
    }

    /** ROUGE-1, ROUGE-2 and ROUGE-L of one candidate against one reference. */
    public record Scores(Score rouge1, Score rouge2, Score rougeL) {}

    private final boolean stemming;

    private Rouge(boolean stemming) {
        this.stemming = stemming;
    }

    /** No stemming: {@code rouge-score}'s default. */
    public static Rouge standard() {
        return new Rouge(false);
    }

    /** With the Porter stemmer ({@code use_stemmer=True}). */
    public static Rouge withStemming() {
        return new Rouge(true);
    }

    public Scores score(String reference, String candidate) {
        List<String> ref = tokenize(reference);
        List<String> cand = tokenize(candidate);
        return new Scores(ngram(ref, cand, 1), ngram(ref, cand, 2), lcs(ref, cand));
    }

    public Score rougeL(String reference, String candidate) {
        return lcs(tokenize(reference), tokenize(candidate));
    }

    /** Lower case, split on non-alphanumerics, stem words longer than three letters when asked. */
    public List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean alnum = i < lower.length() && isAsciiAlnum(lower.charAt(i));
            if (alnum && start < 0) {
                start = i;
            } else if (!alnum && start >= 0) {
                String token = lower.substring(start, i);
                tokens.add(stemming && token.length() > 3 ? PorterStemmer.stem(token) : token);
                start = -1;
            }
        }
        return tokens;
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    static Score ngram(List<String> ref, List<String> cand, int n) {
        Map<String, Integer> refCounts = ngramCounts(ref, n);
        Map<String, Integer> candCounts = ngramCounts(cand, n);
        int overlap = 0;
        for (Map.Entry<String, Integer> e : candCounts.entrySet()) {
            overlap += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0));
        }
        return Score.of(overlap, Math.max(0, cand.size() - n + 1), Math.max(0, ref.size() - n + 1));
    }

    private static Map<String, Integer> ngramCounts(List<String> tokens, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            String key = n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n));
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    /** ROUGE-L from the longest common subsequence, computed with two rows of the dynamic-programming table. */
    static Score lcs(List<String> ref, List<String> cand) {
        if (ref.isEmpty() || cand.isEmpty()) return Score.ZERO;
        // compare small ints, not strings, in the O(n*m) loop
        Map<String, Integer> ids = new HashMap<>();
        int[] r = new int[ref.size()];
        int[] c = new int[cand.size()];
        for (int i = 0; i < r.length; i++) r[i] = ids.computeIfAbsent(ref.get(i), k -> ids.size());
        for (int j = 0; j < c.length; j++) c[j] = ids.getOrDefault(cand.get(j), -1);
        int[] previous = new int[c.length + 1];
        int[] current = new int[c.length + 1];
        for (int ri : r) {
            for (int j = 1; j <= c.length; j++) {
                current[j] = ri == c[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Score.of(previous[c.length], c.length, r.length);
    }
}
