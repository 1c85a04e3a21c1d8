package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class AttentionBenchTest {
    @Test
    void endsWithOneJsonLineOfFigures() throws Exception {
        StringWriter sw = new StringWriter();
        CommandLine cl = WorkbenchCli.commandLine();
        cl.setOut(new PrintWriter(sw));
        int code = cl.execute("bench", "attention", "--batch", "2", "--tokens", "8", "--emb", "16", "--heads", "4",
                "--iters", "2", "--warmup", "1");
        assertThat(code).isZero();
        String[] lines = sw.toString().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("bench").asText()).isEqualTo("attention");
        assertThat(json.get("heads").asInt()).isEqualTo(4);
        assertThat(json.get("max_abs_diff").asDouble()).isLessThan(1e-5);
        assertThat(json.get("stacked_tokens_per_s").asLong()).isPositive();
        assertThat(json.get("batched_tokens_per_s").asLong()).isPositive();
    }
}
