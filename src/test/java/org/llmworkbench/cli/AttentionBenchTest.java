package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

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
        // the throughputs are the token count over the reported time per pass (2 x 8 tokens a pass)
        for (String variant : new String[] {"stacked", "batched"}) {
            double msPerPass = json.get(variant + "_ms_per_pass").asDouble();
            assertThat(msPerPass).as(variant).isGreaterThan(0);
            assertThat(json.get(variant + "_tokens_per_s").asDouble()).as(variant)
                    .isCloseTo(16 / (msPerPass / 1000), withinPercentage(5));
        }
    }
}
