package org.llmworkbench.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.llmworkbench.datasets.Datasets;

/** The book's chapter 2 numbers for the word tokenizers on "The Verdict". */
class RegexWordTokenizerTest {

    static String verdict;

    @BeforeAll
    static void read() throws IOException {
        verdict = Files.readString(Datasets.resolve("the-verdict"));
    }

    @Test
    void verdictHas4690TokensAnd1130Words() {
        assertThat(RegexWordTokenizer.split(verdict)).hasSize(4690);
        RegexWordTokenizer v1 = RegexWordTokenizer.v1(verdict);
        assertThat(v1.vocabSize()).isEqualTo(1130);
        assertThat(v1.encode(verdict)).hasSize(4690);
        assertThat(v1.specialTokens()).isEmpty();
        RegexWordTokenizer v2 = RegexWordTokenizer.v2(verdict);
        assertThat(v2.vocabSize()).isEqualTo(1132);
        assertThat(v2.specialTokens()).containsEntry("<|endoftext|>", 1130).containsEntry("<|unk|>", 1131);
    }

    @Test
    void vocabularyIsSortedAndStartsWithPunctuation() {
        RegexWordTokenizer v1 = RegexWordTokenizer.v1(verdict);
        assertThat(v1.token(0)).isEqualTo("!");
        assertThat(v1.token(1)).isEqualTo("\"");
        assertThat(v1.vocabulary()).containsEntry("the", 988).containsEntry("you", 1126);
    }

    @Test
    void v1EncodesTheBooksSentenceAndDecodesItBack() {
        RegexWordTokenizer v1 = RegexWordTokenizer.v1(verdict);
        String text = "\"It's the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.";
        int[] ids = v1.encode(text);
        assertThat(ids).containsExactly(1, 56, 2, 850, 988, 602, 533, 746, 5, 1126, 596, 5, 1, 67, 7, 38, 851, 1108, 754, 793, 7);
        assertThat(v1.decode(ids)).isEqualTo("\" It' s the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.");
    }

    @Test
    void v1RefusesAnUnknownWordByName() {
        RegexWordTokenizer v1 = RegexWordTokenizer.v1(verdict);
        assertThatThrownBy(() -> v1.encode("Hello, do you like tea?"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Hello'")
                .hasMessageContaining("v2");
    }

    @Test
    void v2MapsUnknownWordsAndSeparatesDocuments() {
        RegexWordTokenizer v2 = RegexWordTokenizer.v2(verdict);
        String text = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace.";
        int[] ids = v2.encode(text, Set.of("<|endoftext|>"));
        assertThat(ids).containsExactly(1131, 5, 355, 1126, 628, 975, 10, 1130, 55, 988, 956, 984, 722, 988, 1131, 7);
        assertThat(v2.decode(ids)).isEqualTo("<|unk|>, do you like tea? <|endoftext|> In the sunlit terraces of the <|unk|>.");
        assertThatThrownBy(() -> v2.encode(text)).isInstanceOf(DisallowedSpecialTokenException.class)
                .hasMessageContaining("<|endoftext|>");
    }

    @Test
    void manyDocumentsAreSeparatedByTheirSpecialTokens() {
        RegexWordTokenizer v2 = RegexWordTokenizer.v2(verdict);
        String docs = String.join("<|endoftext|>", java.util.Collections.nCopies(20_000, "I had always thought"));
        int[] ids = v2.encode(docs, Set.of("<|endoftext|>"));
        assertThat(ids).hasSize(20_000 * 4 + 19_999);
        assertThat(java.util.Arrays.stream(ids).filter(id -> id == 1130).count()).isEqualTo(19_999);
        assertThat(ids[4]).isEqualTo(1130);
    }

    @Test
    void decodeRefusesIdsOutsideTheVocabulary() {
        assertThatThrownBy(() -> RegexWordTokenizer.v1(verdict).decode(new int[] {3, 1130}))
                .hasMessageContaining("1130").hasMessageContaining("position 1");
    }
}
