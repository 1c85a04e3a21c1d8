package org.llmworkbench.text;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Character-level tokens, as in nanoGPT's shakespeare-char: the vocabulary is the sorted set of
 * characters (Unicode code points) of a training text, and a token id is a character's rank in it.
 * A tiny vocabulary (65 for tinyshakespeare) makes a model learn spelling before words.
 */
public final class CharTokenizer implements Tokenizer {
    private final int[] codePoints;

    private CharTokenizer(int[] sortedDistinctCodePoints) {
        this.codePoints = sortedDistinctCodePoints;
    }

    /** The vocabulary of {@code text}: every distinct character, sorted. */
    public static CharTokenizer fromText(String text) {
        if (text.isEmpty()) throw new IllegalArgumentException("cannot build a character vocabulary from an empty text");
        return new CharTokenizer(text.codePoints().distinct().sorted().toArray());
    }

    /** The tokenizer whose vocabulary is exactly the characters of {@code vocabulary}, in that (sorted) order. */
    public static CharTokenizer ofVocabulary(String vocabulary) {
        int[] cps = vocabulary.codePoints().toArray();
        int[] sorted = Arrays.stream(cps).distinct().sorted().toArray();
        if (!Arrays.equals(cps, sorted)) {
            throw new IllegalArgumentException("a character vocabulary must list distinct characters in code point order");
        }
        return fromText(vocabulary);
    }

    /** The vocabulary as one string (what a checkpoint stores to rebuild this tokenizer). */
    public String vocabulary() {
        return new String(codePoints, 0, codePoints.length);
    }

    @Override
    public int[] encode(String text, Set<String> allowedSpecial) {
        for (String a : allowedSpecial) {
            // as BpeTokenizer: allowing a special token the tokenizer does not have is a mistake, not a no-op
            throw new IllegalArgumentException("'" + a + "' is not a special token of this tokenizer; a character tokenizer has none");
        }
        return text.codePoints().map(cp -> {
            int id = Arrays.binarySearch(codePoints, cp);
            if (id < 0) {
                throw new IllegalArgumentException("character '" + new String(Character.toChars(cp)) + "' (U+"
                        + Integer.toHexString(cp).toUpperCase() + ") is not in this character vocabulary of "
                        + codePoints.length + " characters");
            }
            return id;
        }).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= codePoints.length) {
                throw new IllegalArgumentException("token id " + id + " is outside [0, " + codePoints.length + ")");
            }
            sb.appendCodePoint(codePoints[id]);
        }
        return sb.toString();
    }

    @Override
    public String token(int id) {
        return decode(new int[] {id});
    }

    @Override
    public int vocabSize() {
        return codePoints.length;
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return Map.of();
    }
}
