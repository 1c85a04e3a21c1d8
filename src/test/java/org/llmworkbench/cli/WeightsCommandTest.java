package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.model.io.DType;
import org.llmworkbench.model.io.HfGpt2Config;
import org.llmworkbench.model.io.HfGpt2Layout;
import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.io.Safetensors;
import org.llmworkbench.model.io.StateDict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WeightsCommandTest {
    @TempDir
    Path dir;

    private Path checkpoint() throws Exception {
        HfGpt2Config c = new HfGpt2Config(20, 8, 4, 1, 2, 1e-5, true);
        StateDict sd = new StateDict();
        HfGpt2Layout.hfShapes(c).forEach((name, shape) ->
                sd.put(new NamedTensor(name, shape, new float[(int) NamedTensor.numel(shape, name)])));
        Path d = dir.resolve("ckpt");
        Safetensors.write(d.resolve("model.safetensors"), sd, Map.of("format", "pt"), DType.F32);
        c.write(d.resolve("config.json"));
        return d;
    }

    @Test
    void checksACheckpointDirectory() throws Exception {
        CliRun r = CliRun.of("weights", checkpoint().toString());
        assertThat(r.code()).isZero();
        JsonNode j = r.lastJson();
        assertThat(j.get("n_layers").asInt()).isEqualTo(1);
        assertThat(j.get("tensors").asInt()).isEqualTo(2 + 16 + 2);
        // wte 20·4 + wpe 8·4 + block (2·4 + 4·12 + 12 + 4·4 + 4 + 2·4 + 4·16 + 16 + 16·4 + 4) + ln_f 8
        assertThat(j.get("parameters").asLong()).isEqualTo(80 + 32 + 244 + 8);
    }

    @Test
    void listsASafetensorsFileAndReportsCorruption() throws Exception {
        Path file = checkpoint().resolve("model.safetensors");
        CliRun ok = CliRun.of("weights", file.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("h.0.attn.c_attn.weight").contains("F32");
        assertThat(ok.lastJson().get("metadata").get("format").asText()).isEqualTo("pt");

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        CliRun bad = CliRun.of("weights", file.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("error: ").contains(file.toString());
        CliRun missing = CliRun.of("weights", file.getParent().resolve("nowhere").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nowhere does not exist");
    }
}
