package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.datasets.Datasets;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class DatasetsCommandTest {

    @TempDir Path tmp;
    private String savedCache;
    private String savedOffline;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void isolate() {
        savedCache = System.getProperty(Datasets.CACHE_DIR_PROPERTY);
        savedOffline = System.getProperty(Datasets.OFFLINE_PROPERTY);
        System.setProperty(Datasets.CACHE_DIR_PROPERTY, tmp.resolve("cache").toString());
        System.setProperty(Datasets.OFFLINE_PROPERTY, "true");
    }

    @AfterEach
    void restore() {
        restore(Datasets.CACHE_DIR_PROPERTY, savedCache);
        restore(Datasets.OFFLINE_PROPERTY, savedOffline);
        Datasets.clearResolved();
    }

    @Test
    void listAndVerifyReportADamagedCopy() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("the-verdict.txt"), "not the story");

        assertThat(run("datasets", "list", "--data-dir", dir.toString())).isZero();
        assertThat(out.toString()).contains("the-verdict", "20479", "public domain text", dir.resolve("the-verdict.txt").toString());
        assertThat(out.toString()).containsPattern("tinyshakespeare\\s+1115394\\s+public domain text\\s+missing");
        JsonNode list = lastJsonLine();
        assertThat(list.get("found").asInt()).isEqualTo(1);
        assertThat(list.get("missing").asInt()).isEqualTo(6);

        assertThat(run("datasets", "verify", "the-verdict", "--data-dir", dir.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("MISMATCH", "expected b41e41a68f0398a3154ae69e2e4c0e2694e17fe0d66730536837f1b01935b31f");
        JsonNode verify = lastJsonLine();
        assertThat(verify.get("mismatched").asInt()).isEqualTo(1);
        assertThat(verify.get("mismatched_files").get(0).asText()).endsWith("the-verdict.txt");
        assertThat(verify.get("ok").asInt()).isZero();
    }

    @Test
    void fetchFailsClearlyWhenOfflineAndNothingIsOnDisk() {
        assertThat(run("datasets", "fetch", "gpt2-vocab", "--data-dir", tmp.resolve("none").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("downloads are disabled", "put gpt2-vocab.bpe into " + tmp.resolve("none"));
        assertThat(lastJsonLine().get("failed").asInt()).isEqualTo(1);
        assertThat(lastJsonLine().get("failed_datasets").get(0).asText()).isEqualTo("gpt2-vocab");
    }

    @Test
    void unknownDatasetIsAnError() {
        assertThat(run("datasets", "verify", "no-such")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown dataset 'no-such'", "known datasets: the-verdict");
    }

    @Test
    void verifyTheRealDatasets() {
        Path shared = Datasets.dataDir();
        assumeThat(shared).as("WORKBENCH_DATA_DIR points at the real datasets").isNotNull();
        assumeThat(shared.resolve("the-verdict.txt")).exists();
        assertThat(run("datasets", "verify", "--data-dir", shared.toString())).isZero();
        JsonNode v = lastJsonLine();
        assertThat(v.get("ok").asInt()).isEqualTo(7);
        assertThat(v.get("mismatched").asInt()).isZero();

        assertThat(run("datasets", "fetch", "the-verdict", "sms-spam", "--data-dir", shared.toString())).isZero();
        assertThat(out.toString()).contains("sms-spam", "data-dir", shared.resolve("SMSSpamCollection").toString());
        assertThat(lastJsonLine().get("fetched").asInt()).isEqualTo(2);
        assertThat(Datasets.resolvedSoFar()).containsKeys("the-verdict", "sms-spam");
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = WorkbenchCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private JsonNode lastJsonLine() {
        String[] lines = out.toString().strip().split("\\R");
        try {
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new AssertionError("last line is not JSON: " + lines[lines.length - 1], e);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
