package org.llmworkbench.text;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The special tokens of a tokenizer and the one place that finds them in input text.
 * Text is cut into plain segments and allowed special tokens; a special token that is present
 * but not allowed is an error (the same rule as tiktoken's {@code disallowed_special="all"}).
 */
public final class SpecialTokens {

    /** Receives the pieces of a text in order. */
    public interface Segments {
        void plain(String text, int from, int to);

        void special(String token, int id);
    }

    private final Map<String, Integer> ids;
    private final String[] tokens;

    public SpecialTokens(Map<String, Integer> ids) {
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("special token must be a non-empty string, got '" + e.getKey() + "'");
            }
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("special token '" + e.getKey() + "' needs an id >= 0, got " + e.getValue());
            }
        }
        this.ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
        this.tokens = ids.keySet().toArray(new String[0]);
    }

    public Map<String, Integer> ids() {
        return ids;
    }

    public boolean isEmpty() {
        return tokens.length == 0;
    }

    /**
     * Walks {@code text}: plain stretches go to {@link Segments#plain}, allowed special tokens to
     * {@link Segments#special}. Throws {@link DisallowedSpecialTokenException} at the first special
     * token that is not in {@code allowed}. At one position the longest special token wins.
     */
    public void split(String text, Set<String> allowed, Segments out) {
        if (tokens.length == 0) {
            if (!text.isEmpty()) out.plain(text, 0, text.length());
            return;
        }
        for (String a : allowed) {
            if (!ids.containsKey(a)) {
                throw new IllegalArgumentException("'" + a + "' is not a special token of this tokenizer; known: " + ids.keySet());
            }
        }
        int plainStart = 0;
        int n = text.length();
        // Next occurrence of each token at or after plainStart (-1: none left); searched again only once passed.
        int[] next = new int[tokens.length];
        for (int t = 0; t < tokens.length; t++) next[t] = text.indexOf(tokens[t]);
        while (plainStart < n) {
            String found = null;
            int at = -1;
            for (int t = 0; t < tokens.length; t++) {
                if (next[t] >= 0 && next[t] < plainStart) next[t] = text.indexOf(tokens[t], plainStart);
                int k = next[t];
                if (k >= 0 && (at < 0 || k < at || (k == at && tokens[t].length() > found.length()))) {
                    at = k;
                    found = tokens[t];
                }
            }
            if (found == null) break;
            if (!allowed.contains(found)) throw new DisallowedSpecialTokenException(found, at);
            if (at > plainStart) out.plain(text, plainStart, at);
            out.special(found, ids.get(found));
            plainStart = at + found.length();
        }
        if (plainStart < n) out.plain(text, plainStart, n);
    }
}
