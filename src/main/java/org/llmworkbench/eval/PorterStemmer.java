package org.llmworkbench.eval;

import java.util.Map;

/**
 * Porter's suffix-stripping stemmer (1980), in the variant NLTK ships as its default
 * ({@code NLTK_EXTENSIONS}), which is what Google's {@code rouge-score} uses with
 * {@code use_stemmer=True}: "running" and "runs" both become "run", "generously" becomes "gener".
 *
 * <p>The departures from the published algorithm: a short table of irregular forms, words of one
 * or two letters left alone, "dies"/"died" keep their "ie", {@code y → i} only after a consonant
 * that is not the first letter, "bli → ble", "logi → log", "fulli → ful", and
 * "alli" reduced to "al" before step 2 runs again. Input must be lower case.
 */
public final class PorterStemmer {
    private PorterStemmer() {}

    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("skies", "sky"), Map.entry("sky", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    public static String stem(String word) {
        String irregular = IRREGULAR.get(word);
        if (irregular != null) return irregular;
        if (word.length() <= 2) return word;
        String w = step1a(word);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = step3(w);
        w = step4(w);
        w = step5a(w);
        return step5b(w);
    }

    // --- the word's shape: consonants, vowels and the measure m of [C](VC)^m[V] ---

    private static boolean consonant(CharSequence w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') return false;
        if (c == 'y') return i == 0 || !consonant(w, i - 1);
        return true;
    }

    /** m of the stem {@code w[0, length)}: how many vowel-consonant sequences it has. */
    private static int measure(String w, int length) {
        int m = 0;
        int i = 0;
        while (i < length && consonant(w, i)) i++;
        while (i < length) {
            while (i < length && !consonant(w, i)) i++;
            if (i >= length) break;
            m++;
            while (i < length && consonant(w, i)) i++;
        }
        return m;
    }

    private static boolean hasVowel(String w, int length) {
        for (int i = 0; i < length; i++) {
            if (!consonant(w, i)) return true;
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && consonant(w, n - 1);
    }

    /** *o: the stem ends consonant-vowel-consonant, the last not w, x or y (or is a 2-letter vowel-consonant word). */
    private static boolean endsCvc(String w, int length) {
        if (length >= 3 && consonant(w, length - 3) && !consonant(w, length - 2) && consonant(w, length - 1)) {
            char c = w.charAt(length - 1);
            return c != 'w' && c != 'x' && c != 'y';
        }
        return length == 2 && !consonant(w, 0) && consonant(w, 1);
    }

    /** Replaces {@code suffix} by {@code replacement} when the remaining stem has measure > {@code minMeasure}. */
    private static String replaceIfMeasure(String w, String suffix, String replacement, int minMeasure) {
        int stem = w.length() - suffix.length();
        return measure(w, stem) > minMeasure ? w.substring(0, stem) + replacement : w;
    }

    // --- the five steps ---

    private static String step1a(String w) {
        if (w.endsWith("sses")) return w.substring(0, w.length() - 2);
        if (w.endsWith("ies")) return w.length() == 4 ? w.substring(0, 3) : w.substring(0, w.length() - 2);
        if (w.endsWith("ss")) return w;
        if (w.endsWith("s")) return w.substring(0, w.length() - 1);
        return w;
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) return w.length() == 4 ? w.substring(0, 3) : w.substring(0, w.length() - 2);
        if (w.endsWith("eed")) return replaceIfMeasure(w, "eed", "ee", 0);
        String stem;
        if (w.endsWith("ed") && hasVowel(w, w.length() - 2)) {
            stem = w.substring(0, w.length() - 2);
        } else if (w.endsWith("ing") && hasVowel(w, w.length() - 3)) {
            stem = w.substring(0, w.length() - 3);
        } else {
            return w;
        }
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) return stem + "e";
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : stem.substring(0, stem.length() - 1);
        }
        if (measure(stem, stem.length()) == 1 && endsCvc(stem, stem.length())) return stem + "e";
        return stem;
    }

    private static String step1c(String w) {
        int n = w.length();
        if (n > 2 && w.charAt(n - 1) == 'y' && consonant(w, n - 2)) return w.substring(0, n - 1) + "i";
        return w;
    }

    private static final String[][] STEP2 = {
            {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
            {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
            {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
            {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
            {"fulli", "ful"}, {"logi", "log"},
    };

    private static String step2(String w) {
        // NLTK: "alli" first becomes "al" and step 2 runs again ("conditionalli" -> "conditional" -> "condition")
        if (w.endsWith("alli") && measure(w, w.length() - 4) > 0) {
            return step2(w.substring(0, w.length() - 2));
        }
        for (String[] rule : STEP2) {
            if (rule[0].equals("alli")) continue;
            if (w.endsWith(rule[0])) {
                // "logi" keeps its "l" with the stem for the measure test (geo-logi, theo-logi)
                int stem = rule[0].equals("logi") ? w.length() - 3 : w.length() - rule[0].length();
                return measure(w, stem) > 0 ? w.substring(0, w.length() - rule[0].length()) + rule[1] : w;
            }
        }
        return w;
    }

    private static final String[][] STEP3 = {
            {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness", ""},
    };

    private static String step3(String w) {
        for (String[] rule : STEP3) {
            if (w.endsWith(rule[0])) return replaceIfMeasure(w, rule[0], rule[1], 0);
        }
        return w;
    }

    private static final String[] STEP4 = {
            "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
            "ism", "ate", "iti", "ous", "ive", "ize",
    };

    private static String step4(String w) {
        for (String suffix : STEP4) {
            if (!w.endsWith(suffix)) continue;
            int stem = w.length() - suffix.length();
            if (suffix.equals("ion")) {
                boolean sOrT = stem > 0 && (w.charAt(stem - 1) == 's' || w.charAt(stem - 1) == 't');
                return sOrT && measure(w, stem) > 1 ? w.substring(0, stem) : w;
            }
            // the longest matching suffix decides, even when its condition fails ("ement" before "ment")
            return measure(w, stem) > 1 ? w.substring(0, stem) : w;
        }
        return w;
    }

    private static String step5a(String w) {
        if (!w.endsWith("e")) return w;
        int stem = w.length() - 1;
        int m = measure(w, stem);
        if (m > 1 || (m == 1 && !endsCvc(w, stem))) return w.substring(0, stem);
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(w, w.length() - 1) > 1) return w.substring(0, w.length() - 1);
        return w;
    }
}
