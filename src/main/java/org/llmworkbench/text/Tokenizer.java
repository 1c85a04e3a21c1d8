package org.llmworkbench.text;

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

    /** Number of ids, special tokens included (ids run from 0 to vocabSize() - 1). */
    int vocabSize();

    /** Special token string to id. */
    Map<String, Integer> specialTokens();
}
