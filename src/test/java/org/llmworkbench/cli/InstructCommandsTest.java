package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** finetune instruct → respond → finetune dpo → chat on the seconds-long smoke base model, with tiny limits. */
class InstructCommandsTest {

    @Test
    void instructThenRespondThenDpoThenChat(@TempDir Path dir) throws Exception {
        CliRun tune = CliRun.of("finetune", "instruct", "--base", "workshop-base-smoke", "--out", dir.resolve("it").toString(),
                "--train-limit", "16", "--batch-size", "4", "--epochs", "1", "--responses", "2", "--max-new-tokens", "5");
        assertThat(tune.code()).as(tune.out() + tune.err()).isZero();
        JsonNode card = tune.lastJson();
        assertThat(card.get("command").asText()).isEqualTo("finetune instruct");
        assertThat(card.get("steps").asInt()).isEqualTo(4);
        assertThat(card.get("val_loss").asDouble()).isLessThan(card.get("base_val_loss").asDouble());
        assertThat(card.get("counted_fraction").asDouble()).isBetween(0.3, 1.0);
        JsonNode runCard = new ObjectMapper().readTree(Files.readString(dir.resolve("it/run-card.json")));
        assertThat(runCard.get("name").asText()).isEqualTo("finetune instruct workshop");
        assertThat(runCard.get("status").asText()).isEqualTo("ok");
        assertThat(runCard.get("datasets").get("instruction-data").asText())
                .isEqualTo(org.llmworkbench.datasets.FileChecksums.sha256(InstructionModels.data("instruction-data")));
        assertThat(runCard.get("versions").size()).isGreaterThan(0);
        assertThat(runCard.get("metrics").get("steps").asInt()).isEqualTo(4);
        Path model = dir.resolve("it/model");
        assertThat(model.resolve("model.safetensors")).exists();
        JsonNode responses = new ObjectMapper().readTree(Files.readString(dir.resolve("it/responses-test.json")));
        assertThat(responses.size()).isEqualTo(2);
        assertThat(responses.get(0).get("prompt_format").asText()).isEqualTo("alpaca");

        Path file = dir.resolve("base-3shot.json");
        CliRun respond = CliRun.of("respond", "--model", "workshop-base-smoke", "--split", "test", "--limit", "2",
                "--shots", "3", "--max-new-tokens", "4", "--out", file.toString());
        assertThat(respond.code()).as(respond.out() + respond.err()).isZero();
        assertThat(respond.lastJson().get("responses").asInt()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(Files.readString(file)).get(1).get("generation").get("shots").asInt()).isEqualTo(3);

        CliRun dpo = CliRun.of("finetune", "dpo", "--model", model.toString(), "--out", dir.resolve("dpo").toString(),
                "--train-limit", "8", "--batch-size", "4", "--steps", "2");
        assertThat(dpo.code()).as(dpo.out() + dpo.err()).isZero();
        JsonNode d = dpo.lastJson();
        assertThat(d.get("val_before").get("loss").asDouble()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(d.get("steps").asInt()).isEqualTo(2);
        assertThat(dir.resolve("dpo/model/workbench.json")).exists();
        assertThat(new ObjectMapper().readTree(Files.readString(dir.resolve("dpo/run-card.json"))).get("datasets")
                .get("instruction-data-with-preference").asText()).hasSize(64);

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("Name a color.\n\nWhat is 2 + 2?\n".getBytes(StandardCharsets.UTF_8)));
            CliRun chat = CliRun.of("chat", "--model", model.toString(), "--max-new-tokens", "3");
            assertThat(chat.code()).as(chat.out() + chat.err()).isZero();
            assertThat(chat.lastJson().get("turns").asInt()).isEqualTo(2);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void answerCommandsRefuseImpossibleNumbersBeforeLoadingAnything(@TempDir Path dir) {
        CliRun limit = CliRun.of("respond", "--model", "workshop-base-smoke", "--limit", "-2", "--out", dir.resolve("r.json").toString());
        assertThat(limit.code()).isEqualTo(1);
        assertThat(limit.err()).contains("--limit must be >= 1, got -2");
        CliRun temperature = CliRun.of("chat", "--model", "workshop-base-smoke", "--temperature", "-1");
        assertThat(temperature.code()).isEqualTo(1);
        assertThat(temperature.err()).contains("--temperature must be >= 0 (0 answers greedily), got -1.0");
        assertThat(dir).isEmptyDirectory();
    }
}
