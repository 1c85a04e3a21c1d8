package org.llmworkbench.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.datasets.Datasets;

/** GPT-2 byte-level BPE: ids must be GPT-2's, checked against the book's numbers and jtokkit (r50k_base). */
class Gpt2BpeTest {

    static final String REFERENCE = "Hello, do you like tea? <|endoftext|> In the sunlit terracesof someunknownPlace.";
    static final int[] REFERENCE_IDS = {15496, 11, 466, 345, 588, 8887, 30, 220, 50256, 554, 262, 4252, 18250, 8812, 2114,
            1659, 617, 34680, 27271, 13};

    static final Encoding JTOKKIT = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    final BpeTokenizer gpt2 = Tokenizers.gpt2();

    @Test
    void referenceSentenceGivesTheBooksIds() {
        int[] ids = gpt2.encode(REFERENCE, Set.of("<|endoftext|>"));
        assertThat(ids).containsExactly(REFERENCE_IDS);
        assertThat(gpt2.decode(ids)).isEqualTo(REFERENCE);
        assertThat(gpt2.vocabSize()).isEqualTo(50_257);
        assertThat(gpt2.specialTokens()).isEqualTo(Map.of("<|endoftext|>", 50256));
    }

    @Test
    void specialTokenInTextIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> gpt2.encode(REFERENCE))
                .isInstanceOf(DisallowedSpecialTokenException.class)
                .hasMessageContaining("<|endoftext|>")
                .hasMessageContaining("character 24");
        // as plain text it is just characters
        assertThat(gpt2.encodeOrdinary("<|endoftext|>")).containsExactly(27, 91, 437, 1659, 5239, 91, 29);
    }

    @Test
    void theVerdictHas5145TokensAndJtokkitsIds() throws IOException {
        String text = Files.readString(Datasets.resolve("the-verdict"));
        int[] ids = gpt2.encode(text);
        assertThat(ids).hasSize(5145);
        IdAssert.assertSameIds(ids, JTOKKIT.encodeOrdinary(text).toArray());
        assertThat(gpt2.decode(ids)).isEqualTo(text);
    }

    @Test
    void tinyShakespeareMatchesJtokkit() throws IOException {
        String text = Files.readString(Datasets.resolve("tinyshakespeare"));
        int[] ids = gpt2.encode(text);
        IdAssert.assertSameIds(ids, JTOKKIT.encodeOrdinary(text).toArray());
        assertThat(gpt2.decode(ids)).isEqualTo(text);
    }

    @Test
    void tiktokenRankFileGivesTheSameTokenizer(@TempDir Path dir) throws IOException {
        Path ranks = dir.resolve("r50k_base.tiktoken");
        try (InputStream in = Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/r50k_base.tiktoken")) {
            Files.copy(in, ranks);
        }
        BpeTokenizer fromRanks = BpeFiles.readTiktoken(ranks, Map.of("<|endoftext|>", 50256));
        String text = Files.readString(Datasets.resolve("the-verdict"));
        assertThat(fromRanks.vocabSize()).isEqualTo(50_257);
        IdAssert.assertSameIds(fromRanks.encode(text), gpt2.encode(text));
        assertThat(fromRanks.encode(REFERENCE, Set.of("<|endoftext|>"))).containsExactly(REFERENCE_IDS);
        BpeTokenizer byName = Tokenizers.forName(ranks.toString());
        assertThat(byName.encode("hello world")).containsExactly(31373, 995);
        assertThat(byName.specialTokens()).isEqualTo(Map.of("<|endoftext|>", 50256));
    }

    @Test
    void longWhitespaceRunsAndOddCharactersMatchJtokkit() {
        String[] samples = {"a   b", "a\n\n\nb", "  \n  x", "x  ", "\t\u00a0\u3000 y", "don't I'LL we've 's", "1234567 ½ Ⅻ",
                "😀😀 👩‍👩‍👧 é e\u0301", "\u0000\u0001\u001f\u007f", " ".repeat(300) + "z", "\r\n\r\n", "x" + "!".repeat(200)};
        for (String s : samples) {
            assertThat(gpt2.encodeOrdinary(s)).as(s).containsExactly(JTOKKIT.encodeOrdinary(s).toArray());
            assertThat(gpt2.decode(gpt2.encodeOrdinary(s))).isEqualTo(s);
        }
    }

    @Test
    void longWordsTakeTheHeapPathAndStillMatchJtokkit() {
        java.util.Random random = new java.util.Random(7);
        List<String> words = new java.util.ArrayList<>(List.of("ab".repeat(3000), "é".repeat(2000), "1234567890".repeat(300),
                "-=".repeat(500), "aaaa".repeat(1000)));
        for (int w = 0; w < 20; w++) {
            StringBuilder sb = new StringBuilder();
            int len = 129 + random.nextInt(2000);
            for (int i = 0; i < len; i++) sb.append("etaoinshrdlucmfwyp".charAt(random.nextInt(18)));
            words.add(sb.toString());
        }
        for (String word : words) {
            IdAssert.assertSameIds(gpt2.encodeOrdinary(word), JTOKKIT.encodeOrdinary(word).toArray());
            IdAssert.assertSameIds(gpt2.encodeOrdinary(" " + word + "!"), JTOKKIT.encodeOrdinary(" " + word + "!").toArray());
        }
    }

    @Test
    void decodeRefusesUnknownIds() {
        assertThatThrownBy(() -> gpt2.decode(new int[] {11, 50257}))
                .hasMessageContaining("50257").hasMessageContaining("position 1");
    }

    @Test
    void malformedMergesFileNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path merges = dir.resolve("vocab.bpe");
        Files.writeString(merges, "#version: 0.2\nĠ t\nĠ a\nthis line is wrong\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BpeFiles.readGpt2(Datasets.resolve("gpt2-encoder"), merges))
                .isInstanceOfSatisfying(TokenizerFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(merges);
                    assertThat(e.line()).isEqualTo(4);
                })
                .hasMessageContaining("vocab.bpe:4");
        Files.writeString(merges, "#version: 0.2\nĠ t\nĠ zzzqqq\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BpeFiles.readGpt2(Datasets.resolve("gpt2-encoder"), merges))
                .hasMessageContaining("vocab.bpe:3").hasMessageContaining("zzzqqq");
    }

    @Test
    void malformedEncoderJsonNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path encoder = dir.resolve("encoder.json");
        Files.writeString(encoder, "{\n\"a\": 1,\n\"b\": \"two\"\n}\n");
        assertThatThrownBy(() -> BpeFiles.readGpt2(encoder, Datasets.resolve("gpt2-vocab")))
                .isInstanceOfSatisfying(TokenizerFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageContaining("encoder.json:3");
        Files.writeString(encoder, "{\n\"a\": 1,\n\"b\" 2\n}\n");
        assertThatThrownBy(() -> BpeFiles.readGpt2(encoder, Datasets.resolve("gpt2-vocab")))
                .hasMessageContaining("encoder.json:3").hasMessageContaining("not valid JSON");
    }

    @Test
    void malformedTiktokenFileNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path ranks = dir.resolve("bad.tiktoken");
        Files.writeString(ranks, "IQ== 0\nIg== 1\n!!notbase64 2\n");
        assertThatThrownBy(() -> BpeFiles.readTiktoken(ranks, Map.of()))
                .isInstanceOfSatisfying(TokenizerFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageContaining("base64");
        Files.writeString(ranks, "IQ== 0\nIg== 0\n");
        assertThatThrownBy(() -> BpeFiles.readTiktoken(ranks, Map.of()))
                .hasMessageContaining("bad.tiktoken:2").hasMessageContaining("already given on line 1");
    }
}
