package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.finetune.Classifier;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Fine-tunes the seconds-long smoke base for one epoch, then classifies with the saved directory. */
class FinetuneClassifyCommandTest {

    @Test
    void finetuneSavesAClassifierThatTheClassifyCommandLoads(@TempDir Path tmp) throws Exception {
        assumeThat(Datasets.dataDir()).as("WORKBENCH_DATA_DIR points at the real datasets").isNotNull();
        Path out = tmp.resolve("spam");
        CliRun run = CliRun.of("finetune", "classify", "--base", "workshop-base-smoke", "--out", out.toString(),
                "--mode", "last-block", "--blocks", "2", "--epochs", "1", "--lr", "1e-3");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = run.lastJson();
        assertThat(json.get("command").asText()).isEqualTo("finetune classify");
        assertThat(json.get("base").asText()).startsWith("workshop-base-smoke");
        assertThat(json.get("test_accuracy_before").asDouble()).isBetween(0.3, 0.7);   // an untrained head on balanced data
        assertThat(json.get("val_accuracy").asDouble()).isGreaterThan(0.75);
        assertThat(json.get("test_accuracy").asDouble()).isGreaterThan(0.75);
        assertThat(json.get("test_f1_spam").asDouble()).isBetween(0.5, 1.0);
        assertThat(out.resolve("model/model.safetensors")).exists();
        assertThat(Files.readString(out.resolve("classifier.json"))).contains("\"spam\"", "\"pad_id\" : 50256");

        String longText = "free prize call now ".repeat(100);
        CliRun c = CliRun.of("classify", "--model", out.toString(), "--text", "WINNER!! Claim your free prize now, call 09061701461",
                "--text", longText);
        assertThat(c.code()).as(c.err()).isZero();
        JsonNode predictions = c.lastJson().get("predictions");
        assertThat(predictions).hasSize(2);
        assertThat(predictions.get(0).get("label").asText()).isIn("ham", "spam");
        assertThat(predictions.get(0).get("truncated").asBoolean()).isFalse();
        assertThat(predictions.get(1).get("truncated").asBoolean()).isTrue();
        assertThat(predictions.get(1).get("tokens").asInt()).isEqualTo(128); // the smoke base's context length

        // the saved directory gives the same probabilities as the command saw
        try (Classifier loaded = Classifier.load(out)) {
            assertThat(loaded.classify("WINNER!! Claim your free prize now, call 09061701461").probability())
                    .isCloseTo(predictions.get(0).get("probability").asDouble(), org.assertj.core.api.Assertions.within(1e-4));
        }

        Path messages = tmp.resolve("messages.txt");
        Files.writeString(messages, "Ok lar... Joking wif u oni...\n\nFree entry in 2 a wkly comp to win FA Cup final tkts\n");
        CliRun fromFile = CliRun.of("classify", "--model", out.toString(), "--file", messages.toString());
        assertThat(fromFile.code()).as(fromFile.err()).isZero();
        assertThat(fromFile.lastJson().get("predictions")).hasSize(2); // the blank line is skipped
        assertThat(fromFile.lines().get(0)).matches("(ham|spam)\t\\d\\.\\d{4}\tOk lar\\.\\.\\. Joking wif u oni\\.\\.\\.");

        CliRun empty = CliRun.of("classify", "--model", out.toString(), "--text", "  ");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("text 1 is empty");
        CliRun missing = CliRun.of("classify", "--model", tmp.resolve("nowhere").toString(), "--text", "hi");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no classifier at").contains("does not exist");
        Files.createDirectories(tmp.resolve("other"));
        CliRun foreign = CliRun.of("classify", "--model", tmp.resolve("other").toString(), "--text", "hi");
        assertThat(foreign.err()).contains("classifier.json is missing");

        CliRun limited = CliRun.of("finetune", "classify", "--base", "workshop-base-smoke", "--out", tmp.resolve("limited").toString(),
                "--train-limit", "16", "--batch-size", "4", "--steps", "2", "--weight-decay", "0");
        assertThat(limited.code()).as(limited.err()).isZero();
        assertThat(limited.out()).contains("split: 16 train / ");
        assertThat(limited.lastJson().get("mode").asText()).isEqualTo("last-block");
        assertThat(limited.lastJson().get("steps").asInt()).as("--steps stops within the first epoch").isEqualTo(2);

        CliRun bookLora = CliRun.of("finetune", "classify", "--base", "workshop-base-smoke", "--out", tmp.resolve("lora").toString(),
                "--mode", "lora", "--lora-style", "book", "--lora-rank", "4", "--lora-alpha", "8", "--train-limit", "8",
                "--batch-size", "4", "--steps", "1");
        assertThat(bookLora.code()).as(bookLora.err()).isZero();
        assertThat(bookLora.lastJson().get("lora_style").asText()).isEqualTo("book");
        assertThat(bookLora.lastJson().get("lora_scale").asDouble()).isEqualTo(8.0);
        assertThat(Files.readString(tmp.resolve("lora").resolve("classifier.json"))).contains("rank 4, alpha 8.0, style book (scale 8.0)");
        assertThat(limited.lastJson().has("lora_scale")).isFalse();
        CliRun badStyle = CliRun.of("finetune", "classify", "--base", "workshop-base-smoke", "--out", tmp.resolve("y").toString(),
                "--mode", "lora", "--lora-style", "hf");
        assertThat(badStyle.code()).isEqualTo(1);
        assertThat(badStyle.err()).contains("unknown LoRA style 'hf'");

        CliRun negative = CliRun.of("finetune", "classify", "--base", "workshop-base-smoke", "--out", tmp.resolve("x").toString(),
                "--train-limit", "-1");
        assertThat(negative.code()).isEqualTo(1);
        assertThat(negative.err()).contains("--train-limit must be >= 0 (0 = all), got -1");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void benchFinetuneReportsTokensPerSecondForEveryMode() throws Exception {
        assumeThat(Datasets.dataDir()).as("WORKBENCH_DATA_DIR points at the real datasets").isNotNull();
        CliRun run = CliRun.of("bench", "finetune", "--shape", "workshop-base-smoke", "--steps", "2", "--warmup", "0");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = run.lastJson();
        assertThat(json.get("bench").asText()).isEqualTo("finetune");
        for (String mode : new String[] {"last_block", "full", "lora"}) {
            assertThat(json.get(mode + "_tokens_per_s").asLong()).as(mode).isPositive();
        }
        // workshop-base-smoke: GPT-2 vocabulary, 32 wide, 2 blocks, tied head; class head 2 x 32 + 2
        long block = org.llmworkbench.model.GptConfig.preset("gpt2-small").withNHeads(2).withEmbDim(32).withQkvBias(true).blockParameterCount();
        assertThat(json.get("last_block_trainable").asLong()).isEqualTo(block + 64 + 66);
        assertThat(json.get("lora_trainable").asLong()).isEqualTo(2 * 16 * (4 * 64 + 2 * 160) + 16 * 34);
        assertThat(json.get("full_trainable").asLong()).isGreaterThan(json.get("last_block_trainable").asLong());
    }
}
