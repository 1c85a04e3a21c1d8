package org.llmworkbench.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Exact match and token-level F1, as the SQuAD evaluation script defines them: both answers are
 * normalized (lower case, punctuation removed, the articles "a", "an", "the" dropped, whitespace
 * collapsed), then exact match asks whether the normalized strings are equal and F1 is the harmonic
 * mean of precision and recall of the shared tokens (counted with multiplicity).
 */
public final class AnswerMatch {
    private AnswerMatch() {}

    private static final Set<String> ARTICLES = Set.of("a", "an", "the");

    /** SQuAD's {@code normalize_answer}: lower, strip punctuation, drop articles, split on whitespace. */
    public static List<String> normalizedTokens(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (!isAsciiPunctuation(c)) kept.append(c);
        }
        List<String> tokens = new ArrayList<>();
        for (String t : kept.toString().split("\\s+")) {
            if (!t.isEmpty() && !ARTICLES.contains(t)) tokens.add(t);
        }
        return tokens;
    }

    /** Python's {@code string.punctuation}: the 32 ASCII punctuation characters. */
    private static boolean isAsciiPunctuation(char c) {
        return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
    }

    public static boolean exactMatch(String reference, String prediction) {
        return normalizedTokens(reference).equals(normalizedTokens(prediction));
    }

    /** Token-level F1 in [0, 1]; two empty answers match (1.0), one empty answer scores 0. */
    public static double f1(String reference, String prediction) {
        List<String> ref = normalizedTokens(reference);
        List<String> pred = normalizedTokens(prediction);
        if (ref.isEmpty() || pred.isEmpty()) return ref.isEmpty() && pred.isEmpty() ? 1.0 : 0.0;
        Map<String, Integer> refCounts = new HashMap<>();
        for (String t : ref) refCounts.merge(t, 1, Integer::sum);
        int common = 0;
        for (String t : pred) {
            Integer left = refCounts.get(t);
            if (left != null && left > 0) {
                common++;
                refCounts.put(t, left - 1);
            }
        }
        if (common == 0) return 0.0;
        double precision = (double) common / pred.size();
        double recall = (double) common / ref.size();
        return 2 * precision * recall / (precision + recall);
    }
}
