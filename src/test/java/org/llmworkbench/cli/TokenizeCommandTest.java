package org.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenizeCommandTest {

    record Run(int code, List<String> out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out.get(out.size() - 1));
        }
    }

    static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            CommandLine cl = WorkbenchCli.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, bytes.toString(StandardCharsets.UTF_8).lines().toList(), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void encodesTheReferenceSentence() throws Exception {
        Run r = run("tokenize", "--encoding", "gpt2", "--allow-special", "--text",
                "Hello, do you like tea? <|endoftext|> In the sunlit terracesof someunknownPlace.");
        assertThat(r.code()).isZero();
        assertThat(r.out().get(0)).isEqualTo("15496 11 466 345 588 8887 30 220 50256 554 262 4252 18250 8812 2114 1659 617 34680 27271 13");
        assertThat(r.json().get("tokens").asInt()).isEqualTo(20);
    }

    @Test
    void decodesIds() throws Exception {
        Run r = run("tokenize", "--decode", "--text", "[15496, 11, 466, 345]");
        assertThat(r.code()).isZero();
        assertThat(r.out().get(0)).isEqualTo("Hello, do you");
        assertThat(r.json().get("tokens").asInt()).isEqualTo(4);
    }

    @Test
    void refusesSpecialTokensWithoutTheFlag() {
        Run r = run("tokenize", "--text", "a <|endoftext|>");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("<|endoftext|>").contains("--allow-special");
    }

    @Test
    void trainsSavesAndEncodesWithTheFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("verdict.bpe");
        Run r = run("tokenize", "train", "--data", "the-verdict", "--vocab", "300", "--out", out.toString());
        assertThat(r.code()).isZero();
        assertThat(r.json().get("vocab_size").asInt()).isEqualTo(300);
        assertThat(r.json().get("merges").asInt()).isEqualTo(300 - 256 - 1);
        assertThat(Files.readAllLines(out).get(0)).isEqualTo("#llm-workbench-bpe v1");
        Run enc = run("tokenize", "--encoding", out.toString(), "--text", "I had always thought");
        assertThat(enc.code()).isZero();
        int[] expected = org.llmworkbench.text.BpeTokenizer.load(out).encode("I had always thought");
        assertThat(enc.out().get(0)).isEqualTo(java.util.Arrays.stream(expected).mapToObj(String::valueOf)
                .collect(java.util.stream.Collectors.joining(" ")));
        assertThat(enc.json().get("tokens").asInt()).isEqualTo(expected.length).isLessThan("I had always thought".length());
    }

    @Test
    void benchReportsBothEncodersWithIdenticalIds() throws Exception {
        Run r = run("bench", "tokenizer", "--min-mb", "0.2", "--warmup", "0", "--rounds", "1", "--train-vocab", "300");
        assertThat(r.code()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("identical_ids").asBoolean()).isTrue();
        assertThat(j.get("bytes").asLong()).isEqualTo(1115394L);
        assertThat(j.get("ours_mb_per_s").asDouble()).isPositive();
        assertThat(j.get("jtokkit_mb_per_s").asDouble()).isPositive();
        assertThat(j.get("train_vocab").asInt()).isEqualTo(300);
    }
}
