package org.llmworkbench.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first tokenizer of the book (chapter 2): split text into words and punctuation with a regular
 * expression, and number the distinct pieces of a training text in sorted order.
 *
 * <p>{@link #v1(String)} knows only the words of its training text and refuses any other word.
 * {@link #v2(String)} adds two special tokens: {@code <|endoftext|>} to separate documents and
 * {@code <|unk|>}, which stands in for every word it has never seen.
 */
public final class RegexWordTokenizer implements Tokenizer {

    public static final String UNKNOWN = "<|unk|>";

    private static final Pattern SPLIT = Pattern.compile("([,.:;?_!\"()']|--|\\s)", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile("\\s+([,.?!\"()'])", Pattern.UNICODE_CHARACTER_CLASS);

    private final Map<String, Integer> ids;
    private final String[] words;
    private final SpecialTokens special;
    private final Integer unknownId;

    private RegexWordTokenizer(Set<String> vocabulary, boolean withSpecials) {
        ids = new LinkedHashMap<>();
        for (String w : vocabulary) ids.put(w, ids.size());
        Map<String, Integer> specialIds = new LinkedHashMap<>();
        if (withSpecials) {
            specialIds.put(END_OF_TEXT, ids.size());
            specialIds.put(UNKNOWN, ids.size() + 1);
        }
        special = new SpecialTokens(specialIds);
        unknownId = specialIds.get(UNKNOWN);
        words = new String[ids.size() + specialIds.size()];
        ids.forEach((w, id) -> words[id] = w);
        specialIds.forEach((w, id) -> words[id] = w);
    }

    /** v1: a vocabulary of the sorted distinct pieces of {@code trainingText}; unknown words are an error. */
    public static RegexWordTokenizer v1(String trainingText) {
        return new RegexWordTokenizer(new TreeSet<>(split(trainingText)), false);
    }

    /** v2: as v1, plus {@code <|endoftext|>} and {@code <|unk|>} at the end of the vocabulary. */
    public static RegexWordTokenizer v2(String trainingText) {
        TreeSet<String> vocabulary = new TreeSet<>(split(trainingText));
        vocabulary.remove(END_OF_TEXT);
        vocabulary.remove(UNKNOWN);
        return new RegexWordTokenizer(vocabulary, true);
    }

    /** Splits on punctuation, "--" and whitespace, keeps the punctuation, strips and drops empty pieces. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        int last = 0;
        while (m.find()) {
            addStripped(pieces, text.substring(last, m.start()));
            addStripped(pieces, m.group());
            last = m.end();
        }
        addStripped(pieces, text.substring(last));
        return pieces;
    }

    private static void addStripped(List<String> pieces, String piece) {
        String s = piece.strip();
        if (!s.isEmpty()) pieces.add(s);
    }

    @Override
    public int[] encode(String text, Set<String> allowedSpecial) {
        List<Integer> out = new ArrayList<>();
        special.split(text, allowedSpecial, new SpecialTokens.Segments() {
            @Override
            public void plain(String t, int from, int to) {
                for (String piece : split(t.substring(from, to))) out.add(idOf(piece));
            }

            @Override
            public void special(String token, int id) {
                out.add(id);
            }
        });
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int idOf(String piece) {
        Integer id = ids.get(piece);
        if (id != null) return id;
        if (unknownId != null) return unknownId;
        throw new IllegalArgumentException("the word '" + piece + "' is not in the vocabulary of this v1 tokenizer ("
                + ids.size() + " words from its training text); use RegexWordTokenizer.v2, which maps unknown words to "
                + UNKNOWN + ", or a BPE tokenizer, which has no unknown words");
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokenIds.length; i++) {
            int id = tokenIds[i];
            if (id < 0 || id >= words.length) {
                throw new IllegalArgumentException("token id " + id + " at position " + i + " is outside the vocabulary 0.." + (words.length - 1));
            }
            if (i > 0) sb.append(' ');
            sb.append(words[id]);
        }
        return SPACE_BEFORE_PUNCTUATION.matcher(sb).replaceAll("$1");
    }

    @Override
    public int vocabSize() {
        return words.length;
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return special.ids();
    }

    /** The vocabulary (word to id), special tokens not included. */
    public Map<String, Integer> vocabulary() {
        return java.util.Collections.unmodifiableMap(ids);
    }

    /** The token string of an id. */
    @Override
    public String token(int id) {
        if (id < 0 || id >= words.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary 0.." + (words.length - 1));
        }
        return words[id];
    }
}
