package org.llmworkbench.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts text into the pieces ("words") that GPT-2's byte-pair encoding works on, so that merges
 * never cross a word boundary. GPT-2 defines the pieces by this regular expression:
 * <pre>
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * </pre>
 * {@link #PATTERN} is that expression; {@link #pieceEnd} is a hand-written scanner that gives exactly
 * the same pieces several times faster. It follows Java's Unicode classes with
 * {@code UNICODE_CHARACTER_CLASS} (the flags jtokkit uses): letters are general category L,
 * numbers category N, and whitespace is the Unicode White_Space property.
 *
 * <p>The one subtle rule is {@code \s+(?!\S)}: a run of whitespace that is followed by a word gives
 * its last character to the word (so "a   b" becomes "a", "  ", " b").
 */
public final class Gpt2PreTokenizer {

    public static final String REGEX = "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    public static final Pattern PATTERN = Pattern.compile(REGEX, Pattern.UNICODE_CHARACTER_CLASS);

    static final byte LETTER = 0;
    static final byte NUMBER = 1;
    static final byte SPACE = 2;
    static final byte OTHER = 3;

    private static final byte[] ASCII_CLASS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) ASCII_CLASS[c] = classify(c);
    }

    private Gpt2PreTokenizer() {}

    /** The pieces of {@code text}, in order; their concatenation is the text. */
    public static List<String> split(CharSequence text) {
        List<String> pieces = new ArrayList<>();
        int n = text.length();
        for (int i = 0; i < n; ) {
            int end = pieceEnd(text, i, n);
            pieces.add(text.subSequence(i, end).toString());
            i = end;
        }
        return pieces;
    }

    /** The end (exclusive) of the piece that starts at {@code i}; {@code i < n}. */
    public static int pieceEnd(CharSequence s, int i, int n) {
        char c = s.charAt(i);
        if (c == '\'' && i + 1 < n) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 'd' || d == 'm' || d == 't') return i + 2;
            if (i + 2 < n) {
                char e = s.charAt(i + 2);
                if ((d == 'l' && e == 'l') || (d == 'v' && e == 'e') || (d == 'r' && e == 'e')) return i + 3;
            }
        }
        int start = i;
        int cls = classAt(s, i, c);
        if (c == ' ' && i + 1 < n) {
            int nextCls = classAt(s, i + 1, s.charAt(i + 1));
            if (nextCls != SPACE) {
                start = i + 1;
                cls = nextCls;
            }
        }
        if (cls != SPACE) {
            int k = advance(s, start, n);
            while (k < n && classAt(s, k, s.charAt(k)) == cls) k = advance(s, k, n);
            return k;
        }
        int lastStart = i;
        int k = i;
        while (k < n && classAt(s, k, s.charAt(k)) == SPACE) {
            lastStart = k;
            k++; // every White_Space character is a single UTF-16 unit
        }
        if (k == n || lastStart == i) return k;
        return lastStart;
    }

    private static int advance(CharSequence s, int k, int n) {
        if (Character.isHighSurrogate(s.charAt(k)) && k + 1 < n && Character.isLowSurrogate(s.charAt(k + 1))) return k + 2;
        return k + 1;
    }

    private static int classAt(CharSequence s, int k, char c) {
        if (c < 128) return ASCII_CLASS[c];
        if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
            return classify(Character.toCodePoint(c, s.charAt(k + 1)));
        }
        return classify(c);
    }

    static byte classify(int cp) {
        int type = Character.getType(cp);
        switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
                return NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR:
                return SPACE;
            default:
                return (cp >= 0x9 && cp <= 0xD) || cp == 0x85 ? SPACE : OTHER;
        }
    }
}
