package org.llmworkbench.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponsesFileTest {

    @Test
    void writesAndReadsBack(@TempDir Path dir) throws Exception {
        List<ModelResponse> records = List.of(
                new ModelResponse("Name a primary color.", "", "Red.", "Blue.", "base", "alpaca",
                        Map.of("max_new_tokens", 35, "temperature", 0.0)),
                new ModelResponse("Translate to French.", "Good morning", "Bonjour", "Bonjour !", "base", "alpaca", Map.of()));
        Path file = dir.resolve("responses.json");
        ResponsesFile.write(file, records);
        List<ModelResponse> back = ResponsesFile.read(file);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).generation()).containsEntry("max_new_tokens", 35);
        assertThat(back.get(1)).isEqualTo(records.get(1));
        assertThat(Files.readString(file)).contains("\"prompt_format\" : \"alpaca\"");
    }

    @Test
    void badFilesAreRefusedNamingTheRecordAndField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "[{\"instruction\":\"i\",\"reference\":\"r\",\"response\":\"x\",\"model\":\"m\"},"
                + "{\"instruction\":\"i\",\"reference\":\"r\",\"model\":\"m\"}]");
        assertThatThrownBy(() -> ResponsesFile.read(f)).hasMessageContaining("bad.json: record 1: missing required field \"response\"");
        Files.writeString(f, "[{\"instruction\":\"i\",\"reference\":\"r\",\"response\":3,\"model\":\"m\"}]");
        assertThatThrownBy(() -> ResponsesFile.read(f)).hasMessageContaining("record 0: field \"response\" must be a string, got a number");
        Files.writeString(f, "[{\"instruction\":\"i\",\"reference\":\"r\",\"response\":\"x\",\"model\":\"m\",\"generation\":\"greedy\"}]");
        assertThatThrownBy(() -> ResponsesFile.read(f)).hasMessageContaining("\"generation\" must be an object");
        Files.writeString(f, "{\"instruction\":\"i\"}");
        assertThatThrownBy(() -> ResponsesFile.read(f)).hasMessageContaining("expected a JSON array");
        Files.writeString(f, "[{\"instruction\": ");
        assertThatThrownBy(() -> ResponsesFile.read(f)).hasMessageContaining("not valid JSON").hasMessageContaining("line 1");
        assertThatThrownBy(() -> ResponsesFile.read(dir.resolve("missing.json"))).hasMessageContaining("not found");
    }
}
