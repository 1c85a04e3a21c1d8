package org.llmworkbench.text;

/** Input text contained a special token that the caller did not allow. */
public final class DisallowedSpecialTokenException extends IllegalArgumentException {
    private final String token;
    private final int index;

    DisallowedSpecialTokenException(String token, int index) {
        super("the text contains the special token '" + token + "' at character " + index
                + " but it is not allowed: pass it in allowedSpecial (CLI: --allow-special) to encode it as"
                + " its special id, or remove it from the text");
        this.token = token;
        this.index = index;
    }

    public String token() {
        return token;
    }

    public int index() {
        return index;
    }
}
