package org.llmworkbench.model;

import java.util.function.Function;

/**
 * Text ↔ token ids, as the model's callers need it (prompt in, generated text out). The model
 * package does not depend on a particular tokenizer: wrap one with {@link #of}.
 */
public interface TokenCodec {
    int[] encode(String text);

    String decode(int[] ids);

    static TokenCodec of(Function<String, int[]> encoder, Function<int[], String> decoder) {
        return new TokenCodec() {
            @Override
            public int[] encode(String text) {
                return encoder.apply(text);
            }

            @Override
            public String decode(int[] ids) {
                return decoder.apply(ids);
            }
        };
    }
}
