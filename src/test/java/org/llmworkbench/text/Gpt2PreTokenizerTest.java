package org.llmworkbench.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** The hand-written scanner must cut text exactly where GPT-2's regular expression does. */
class Gpt2PreTokenizerTest {

    static List<String> byRegex(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Gpt2PreTokenizer.PATTERN.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    @Test
    void cutsTheClassicExamples() {
        assertThat(Gpt2PreTokenizer.split("Hello, world!  I'm here\n\n  ok"))
                .containsExactly("Hello", ",", " world", "!", " ", " I", "'m", " here", "\n\n ", " ok");
        assertThat(Gpt2PreTokenizer.split("a   b")).containsExactly("a", "  ", " b");
        assertThat(Gpt2PreTokenizer.split("x 42 ... ")).containsExactly("x", " 42", " ...", " ");
    }

    @Test
    void everyCodePointIsClassifiedAsTheRegexDoes() {
        for (int cp = 0; cp <= 0x10FFFF; cp += cp < 0x30000 ? 1 : 97) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            String c = new String(Character.toChars(cp));
            String text = "a" + c + c + " " + c + "1 " + c + "'s" + c + "  " + c + "\n" + c + c + " x";
            assertThat(Gpt2PreTokenizer.split(text)).as("U+%04X", cp).isEqualTo(byRegex(text));
        }
    }

    @Test
    void loneSurrogatesAreCutAsTheRegexDoes() {
        String text = "a\uD800b \uDC00\uDC00 c\uD83D";
        assertThat(Gpt2PreTokenizer.split(text)).isEqualTo(byRegex(text));
    }
}
