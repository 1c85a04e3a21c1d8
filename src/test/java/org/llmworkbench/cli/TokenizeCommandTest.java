package org.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {

    @Test
    void encodesTheReferenceSentence() throws Exception {
        CliRun r = CliRun.of("tokenize", "--encoding", "gpt2", "--allow-special", "--text",
                "Hello, do you like tea? <|endoftext|> In the sunlit terracesof someunknownPlace.");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.lines().get(0)).isEqualTo("15496 11 466 345 588 8887 30 220 50256 554 262 4252 18250 8812 2114 1659 617 34680 27271 13");
        assertThat(r.lastJson().get("tokens").asInt()).isEqualTo(20);
    }

    @Test
    void decodesIds() throws Exception {
        CliRun r = CliRun.of("tokenize", "--decode", "--text", "[15496, 11, 466, 345]");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.lines().get(0)).isEqualTo("Hello, do you");
        assertThat(r.lastJson().get("tokens").asInt()).isEqualTo(4);
    }

    @Test
    void decodeNamesTheItemThatIsNotAnId() {
        CliRun r = CliRun.of("tokenize", "--decode", "--text", "[15496, 11, hello]");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--decode").contains("'hello' (item 3) is not a token id");
    }

    @Test
    void aMissingFileIsNamedAsNotFound(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.txt");
        CliRun r = CliRun.of("tokenize", "--file", missing.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: file not found: " + missing);
    }

    @Test
    void everySubcommandPrintsTheVersion() {
        CliRun top = CliRun.of("--version");
        CliRun sub = CliRun.of("tokenize", "--version");
        CliRun nested = CliRun.of("finetune", "classify", "-V");
        assertThat(top.out()).startsWith("llm-workbench ");
        assertThat(sub.out()).isEqualTo(top.out());
        assertThat(nested.out()).isEqualTo(top.out());
    }

    @Test
    void refusesSpecialTokensWithoutTheFlag() {
        CliRun r = CliRun.of("tokenize", "--text", "a <|endoftext|>");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("<|endoftext|>").contains("--allow-special");
    }

    @Test
    void trainsSavesAndEncodesWithTheFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("verdict.bpe");
        CliRun r = CliRun.of("tokenize", "train", "--data", "the-verdict", "--vocab", "300", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.lastJson().get("vocab_size").asInt()).isEqualTo(300);
        assertThat(r.lastJson().get("merges").asInt()).isEqualTo(300 - 256 - 1);
        assertThat(Files.readAllLines(out).get(0)).isEqualTo("#llm-workbench-bpe v1");
        CliRun enc = CliRun.of("tokenize", "--encoding", out.toString(), "--text", "I had always thought");
        assertThat(enc.code()).isZero();
        int[] expected = org.llmworkbench.text.BpeFiles.read(out).encode("I had always thought");
        assertThat(enc.lines().get(0)).isEqualTo(java.util.Arrays.stream(expected).mapToObj(String::valueOf)
                .collect(java.util.stream.Collectors.joining(" ")));
        assertThat(enc.lastJson().get("tokens").asInt()).isEqualTo(expected.length).isLessThan("I had always thought".length());
    }

    @Test
    void benchReportsBothEncodersWithIdenticalIds() throws Exception {
        CliRun r = CliRun.of("bench", "tokenizer", "--min-mb", "0.2", "--warmup", "0", "--rounds", "1", "--train-vocab", "300");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.lastJson();
        assertThat(j.get("bench").asText()).isEqualTo("tokenizer");
        assertThat(j.get("identical_ids").asBoolean()).isTrue();
        assertThat(j.get("bytes").asLong()).isEqualTo(1115394L);
        // the ratio is ours over jtokkit's (each rounded to 0.01)
        double ours = j.get("ours_mb_per_s").asDouble();
        double reference = j.get("jtokkit_mb_per_s").asDouble();
        assertThat(reference).isGreaterThan(0);
        assertThat(j.get("ratio").asDouble()).isCloseTo(ours / reference, withinPercentage(5));
        assertThat(j.get("train_vocab").asInt()).isEqualTo(300);
    }
}
