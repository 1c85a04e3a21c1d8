package org.llmworkbench.text;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** shakespeare-char's tokenizer: one id per distinct character, in code point order. */
class CharTokenizerTest {

    @Test
    void idsAreTheSortedCharactersAndRoundTrip() {
        CharTokenizer t = CharTokenizer.fromText("hello world");
        assertThat(t.vocabulary()).isEqualTo(" dehlorw");
        assertThat(t.encode("hello", Set.of())).containsExactly(3, 2, 4, 4, 5);
        assertThat(t.decode(new int[] {3, 2, 4, 4, 5})).isEqualTo("hello");
        assertThat(t.encodeAllowingAllSpecial("low")).containsExactly(4, 5, 7);
    }

    @Test
    void unknownCharactersAndSpecialTokensAreRefused() {
        CharTokenizer t = CharTokenizer.fromText("hello world");
        assertThatThrownBy(() -> t.encode("hex", Set.of())).hasMessageStartingWith("character 'x' (U+78) is not in this character vocabulary of 8");
        assertThatThrownBy(() -> t.encode("hello", Set.of("<|endoftext|>")))
                .hasMessage("'<|endoftext|>' is not a special token of this tokenizer; a character tokenizer has none");
        assertThatThrownBy(() -> t.decode(new int[] {8})).hasMessage("token id 8 is outside [0, 8)");
    }
}
