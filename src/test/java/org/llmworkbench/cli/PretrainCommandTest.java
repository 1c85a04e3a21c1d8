package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

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
    void aFreshRunRefusesAnOutWithCheckpointsAndAResumeOrInitMustFitTheRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliRun first = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out.toString(), "--steps", "1",
                "--eval-every", "1");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        Map<Path, String> before = snapshot(out);
        assertThat(before).containsKey(out.resolve("checkpoints/step-00000001.json"));

        // without --resume: refused before anything in --out changes
        CliRun fresh = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out.toString(), "--steps", "2",
                "--checkpoint-every", "1");
        assertThat(fresh.code()).isNotZero();
        assertThat(fresh.err()).contains(out.resolve("checkpoints").toString()).contains("step-00000001.json")
                .contains("--resume").contains("--resume-from").contains("--out");
        assertThat(snapshot(out)).isEqualTo(before);

        // another preset's shape: named before any weight is loaded, nothing written
        CliRun other = CliRun.of("pretrain", "--preset", "shakespeare-char", "--out", out.toString(), "--steps", "2", "--resume");
        assertThat(other.code()).isNotZero();
        assertThat(other.err()).contains("step-00000001.json")
                .contains("preset workshop-base-smoke (vocabulary 50257, 2 blocks × 32, context 128")
                .contains("this run is preset shakespeare-char (vocabulary 65, 4 blocks × 128, context 64")
                .contains("vocabulary 50257 vs 65").contains("--preset").doesNotContain("has shape");
        // the same preset on other data
        Path text = Files.writeString(dir.resolve("mine.txt"), "Every effort moves you forward. ".repeat(400));
        CliRun otherData = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out.toString(), "--steps", "2",
                "--resume", "--data", text.toString());
        assertThat(otherData.code()).isNotZero();
        assertThat(otherData.err()).contains("step-00000001.json").contains("data the-verdict vs " + text).contains("--data");
        assertThat(snapshot(out)).isEqualTo(before);

        // --init with a model whose context is shorter than the windows, or whose vocabulary is not the tokenizer's
        CliRun longer = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--config", "gpt2-small",
                "--out", dir.resolve("init-ctx").toString(), "--steps", "1", "--init", out.resolve("hf").toString());
        assertThat(longer.code()).isNotZero();
        assertThat(longer.err()).contains("--init " + out.resolve("hf"))
                .contains("the model's context length is 128 but preset workshop-base-smoke cuts the text into 512-token windows");
        CliRun chars = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--tokenizer", "char",
                "--out", dir.resolve("init-vocab").toString(), "--steps", "1", "--init", out.resolve("hf").toString());
        assertThat(chars.code()).isNotZero();
        assertThat(chars.err()).contains("--init " + out.resolve("hf")).contains("vocabulary has 50257 tokens")
                .contains("tokenizer (char)");
        assertThat(dir.resolve("init-ctx")).doesNotExist();
        assertThat(dir.resolve("init-vocab")).doesNotExist();
    }

    /** Every file under {@code dir} with its size and sha256. */
    private static Map<Path, String> snapshot(Path dir) throws Exception {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                files.put(f, bytes.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            }
        }
        return files;
    }

    @Test
    void badScheduleOptionsAndMissingFilesAreClearErrors(@TempDir Path dir) {
        String out = dir.resolve("run").toString();
        CliRun both = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--steps", "2", "--epochs", "1");
        assertThat(both.code()).isNotZero();
        assertThat(both.err()).contains("--steps and --epochs are mutually exclusive");
        CliRun zero = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--steps", "0");
        assertThat(zero.code()).isNotZero();
        assertThat(zero.err()).contains("--steps must be >= 1, got 0").doesNotContain("maxSteps");
        CliRun noEpochs = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--epochs", "0");
        assertThat(noEpochs.err()).contains("--epochs must be >= 1, got 0");
        for (String lr : new String[] {"0", "-0.001"}) {
            CliRun bad = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--steps", "1", "--lr", lr);
            assertThat(bad.code()).isNotZero();
            assertThat(bad.err()).contains("--lr must be > 0, got " + Double.parseDouble(lr));
        }
        Path missing = dir.resolve("missing.txt");
        CliRun noFile = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--steps", "1",
                "--data", missing.toString());
        assertThat(noFile.code()).isNotZero();
        assertThat(noFile.err()).contains("--data " + missing + ": no such file").doesNotContain("unknown dataset");
        CliRun relative = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--steps", "1",
                "--data", "notes.txt");
        assertThat(relative.err()).contains("--data notes.txt: no such file");
        CliRun unknown = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--steps", "1",
                "--data", "no-such-dataset");
        assertThat(unknown.err()).contains("unknown dataset 'no-such-dataset'");
        assertThat(dir.resolve("run")).doesNotExist();
        CliRun both2 = CliRun.of("pretrain", "--preset", "workshop-base-smoke", "--out", out, "--resume",
                "--resume-from", dir.resolve("x.json").toString());
        assertThat(both2.err()).contains("--resume and --resume-from are mutually exclusive");
    }

    @Test
    void helpSaysHowOftenItCheckpointsByDefault() {
        CliRun help = CliRun.of("pretrain", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("default: 4 × the preset's evaluation interval, which --eval-every does not change");
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
