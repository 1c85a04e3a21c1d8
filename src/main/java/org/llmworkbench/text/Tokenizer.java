package org.llmworkbench.text;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Text to token ids and back. Every tokenizer in the workbench (word-level teaching tokenizers,
 * GPT-2's byte-level BPE, BPE we train ourselves) answers to this interface.
 *
 * <p>Special tokens such as {@code <|endoftext|>} are control signals, not text: when they appear
 * in input text they are refused unless the caller allows them explicitly (as tiktoken's
 * {@code allowed_special}). This keeps user text from smuggling in document boundaries.
 */
public interface Tokenizer {
    /** The document separator GPT-2 was trained with; every workbench tokenizer knows it. */
    String END_OF_TEXT = "<|endoftext|>";

    /** Encodes text; special tokens named in {@code allowedSpecial} become their ids, any other one is refused. */
    int[] encode(String text, Set<String> allowedSpecial);

    /** Encodes text that must not contain special tokens ({@link DisallowedSpecialTokenException} if it does). */
    default int[] encode(String text) {
        return encode(text, Set.of());
    }

    /** Encodes text, allowing every special token this tokenizer knows. */
    default int[] encodeAllowingAllSpecial(String text) {
        return encode(text, specialTokens().keySet());
    }

    String decode(int[] ids);

    /** One id as text (a BPE token that is only part of a UTF-8 character shows as U+FFFD). */
    String token(int id);

    /** Text as a table of tokens shows it: a space as ␣, a newline, tab or return as the two characters \n, \t, \r. */
    static String visible(String text) {
        return text.replace(" ", "\u2423").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }

    /** The UTF-8 bytes one id stands for (exact even where {@link #token} is not: part of a character). */
    default byte[] tokenBytes(int id) {
        return token(id).getBytes(StandardCharsets.UTF_8);
    }

    /** Number of ids, special tokens included (ids run from 0 to vocabSize() - 1). */
    int vocabSize();

    /** Special token string to id. */
    Map<String, Integer> specialTokens();
}
