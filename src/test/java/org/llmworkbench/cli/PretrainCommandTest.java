package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PretrainCommandTest {

    @Test
    void trainsResumesAndExportsEndingWithOneJsonLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliRun first = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out.toString(), "--steps", "4",
                "--eval-every", "2", "--checkpoint-every", "2");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        JsonNode json = first.lastJson();
        assertThat(json.get("command").asText()).isEqualTo("pretrain");
        assertThat(json.get("steps").asInt()).isEqualTo(4);
        assertThat(json.get("tokens").asLong()).isEqualTo(4L * 4 * 128);
        assertThat(json.get("val_loss").asDouble()).isBetween(5.0, 11.5);
        assertThat(json.get("datasets").get("the-verdict").asText()).hasSize(64);
        assertThat(out.resolve("hf/config.json")).exists();
        assertThat(out.resolve("hf/model.safetensors")).exists();
        assertThat(out.resolve("metrics.csv")).exists();
        assertThat(Files.readString(out.resolve("run-card.json"))).contains("\"preset\" : \"workshop-base-smoke\"").contains("\"pytorch\"")
                .contains("\"the-verdict\" : \"");
        // not a terminal: plain lines, no carriage returns
        assertThat(first.out()).contains("step 2: train loss").doesNotContain("\r");

        CliRun resumed = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out.toString(), "--steps", "6",
                "--eval-every", "2", "--resume", "--no-export");
        assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming after step 4");
        assertThat(resumed.lastJson().get("steps").asInt()).isEqualTo(6);

        // continue pretraining from the exported Hugging Face directory: it starts where the first run ended
        CliRun continued = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", dir.resolve("again").toString(),
                "--steps", "2", "--eval-every", "2", "--init", out.resolve("hf").toString(), "--no-export");
        assertThat(continued.code()).as(continued.out() + continued.err()).isZero();
        String startLine = continued.out().lines().filter(l -> l.startsWith("step 0: train loss")).findFirst().orElseThrow();
        double startLoss = Double.parseDouble(startLine.replaceAll(".*train loss ([0-9.]+),.*", "$1"));
        assertThat(startLoss).isLessThan(json.get("train_loss").asDouble() + 0.05);
    }

    @Test
    void anUnknownPresetOrMissingCheckpointIsAClearError(@TempDir Path dir) {
        CliRun bad = CliRun.of("pretrain", "--preset", "nope", "--out", dir.toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("unknown pretraining preset 'nope'").contains("verdict-book");
        CliRun noCheckpoint = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", dir.resolve("empty").toString(), "--resume");
        assertThat(noCheckpoint.code()).isNotZero();
        assertThat(noCheckpoint.err()).contains("no checkpoint");
    }
}
