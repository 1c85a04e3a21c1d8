package org.llmworkbench.eval.baseline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bag of words, as scikit-learn's {@code CountVectorizer()} does it by default: lower-case the
 * text, take every run of two or more word characters as a word, and count how often each word
 * of the training vocabulary occurs. Words never seen in training are ignored.
 */
public final class WordCounts {
    private static final Pattern WORD = Pattern.compile("(?U)\\b\\w\\w+\\b");

    private final Map<String, Integer> vocabulary;

    private WordCounts(Map<String, Integer> vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** The vocabulary of the texts, ids in alphabetical order (as scikit-learn assigns them). */
    public static WordCounts fit(List<String> texts) {
        TreeMap<String, Integer> sorted = new TreeMap<>();
        for (String t : texts) for (String w : words(t)) sorted.put(w, 0);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String w : sorted.keySet()) ids.put(w, ids.size());
        return new WordCounts(ids);
    }

    public int size() {
        return vocabulary.size();
    }

    /** One sparse row per text: word ids and counts. */
    public List<SparseRow> transform(List<String> texts) {
        List<SparseRow> rows = new ArrayList<>(texts.size());
        for (String t : texts) {
            TreeMap<Integer, Integer> counts = new TreeMap<>();
            for (String w : words(t)) {
                Integer id = vocabulary.get(w);
                if (id != null) counts.merge(id, 1, Integer::sum);
            }
            int[] ids = new int[counts.size()];
            double[] values = new double[counts.size()];
            int k = 0;
            for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
                ids[k] = e.getKey();
                values[k++] = e.getValue();
            }
            rows.add(new SparseRow(ids, values));
        }
        return rows;
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) out.add(m.group());
        return out;
    }

    /** The non-zero entries of one row. */
    public record SparseRow(int[] ids, double[] values) {}
}
