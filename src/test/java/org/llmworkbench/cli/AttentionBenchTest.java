package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class AttentionBenchTest {
    @Test
    void endsWithOneJsonLineOfFigures() throws Exception {
        CliRun run = CliRun.of("bench", "attention", "--batch", "2", "--tokens", "8", "--emb", "16", "--heads", "4",
                "--iters", "2", "--warmup", "1");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = run.lastJson();
        assertThat(json.get("bench").asText()).isEqualTo("attention");
        assertThat(json.get("heads").asInt()).isEqualTo(4);
        assertThat(json.get("max_abs_diff").asDouble()).isLessThan(1e-5);
        assertThat(json.get("stacked_tokens_per_s").asLong()).isPositive();
        assertThat(json.get("batched_tokens_per_s").asLong()).isPositive();
    }
}
