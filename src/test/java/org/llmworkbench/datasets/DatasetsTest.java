package org.llmworkbench.datasets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The static entry point and the bundled manifest; the real datasets when WORKBENCH_DATA_DIR points at them. */
class DatasetsTest {

    @TempDir Path tmp;
    private final Map<String, String> savedProperties = new LinkedHashMap<>();

    @BeforeEach
    void isolateFromTheUsersCache() {
        setProperty(Datasets.CACHE_DIR_PROPERTY, tmp.resolve("cache").toString());
        setProperty(Datasets.OFFLINE_PROPERTY, "true"); // a test must never reach the real internet
        Datasets.clearResolved();
    }

    @AfterEach
    void restoreProperties() {
        savedProperties.forEach((k, v) -> {
            if (v == null) System.clearProperty(k);
            else System.setProperty(k, v);
        });
        Datasets.clearResolved();
    }

    @Test
    void bundledManifestListsTheSevenDatasets() {
        DatasetManifest m = Datasets.manifest();
        assertThat(m.names()).containsExactly("the-verdict", "tinyshakespeare", "sms-spam", "instruction-data",
                "instruction-data-with-preference", "gpt2-encoder", "gpt2-vocab");
        DatasetEntry verdict = m.entry("the-verdict");
        assertThat(verdict.file()).isEqualTo("the-verdict.txt");
        assertThat(verdict.size()).isEqualTo(20_479);
        assertThat(verdict.sha256()).isEqualTo("b41e41a68f0398a3154ae69e2e4c0e2694e17fe0d66730536837f1b01935b31f");
        assertThat(verdict.isArchived()).isFalse();
        DatasetEntry spam = m.entry("sms-spam");
        assertThat(spam.archiveMember()).isEqualTo("SMSSpamCollection");
        assertThat(spam.url()).endsWith(".zip");
        assertThat(m.entry("gpt2-encoder").size()).isEqualTo(1_042_301);
    }

    @Test
    void manifestErrorsNameTheSourceAndTheField() {
        String badSha = """
                {"version": 1, "datasets": [{"name": "x", "file": "x.txt", "url": "https://example.org/x.txt",
                  "sha256": "abc", "size": 3, "license": "none"}]}""";
        assertThatThrownBy(() -> parse(badSha))
                .hasMessageContaining("test-manifest.json")
                .hasMessageContaining("sha256 must be 64 hex digits, got 'abc'");
        String typo = """
                {"version": 1, "datasets": [{"name": "x", "file": "x.txt", "url": "https://example.org/x.txt",
                  "sha256": "%s", "size": 3, "license": "none", "checksum": "x"}]}""".formatted("a".repeat(64));
        assertThatThrownBy(() -> parse(typo)).hasMessageContaining("Unrecognized field \"checksum\"");
        assertThatThrownBy(() -> new DatasetEntry("x", "../x.txt", "", "https://example.org/x", null, "a".repeat(64), 3, "l"))
                .hasMessageContaining("file must be a plain file name");
        assertThatThrownBy(() -> new DatasetEntry("x", "x.txt", "", "ftp://example.org/x", null, "a".repeat(64), 3, "l"))
                .hasMessageContaining("url must be an absolute http(s) URL");
        DatasetEntry ok = new DatasetEntry("x", "x.txt", "", "https://example.org/x", null, "A".repeat(64), 3, "l");
        assertThat(ok.sha256()).isEqualTo("a".repeat(64));
        assertThatThrownBy(() -> new DatasetManifest(1, List.of(ok, ok))).hasMessageContaining("lists dataset 'x' twice");
        assertThatThrownBy(() -> new DatasetManifest(2, List.of(ok))).hasMessageContaining("manifest version must be 1, got 2");
    }

    @Test
    void manifestRoundTripsThroughJson() {
        DatasetManifest m = Datasets.manifest();
        assertThat(parse(m.toJson())).isEqualTo(m);
    }

    @Test
    void settingsComeFromSystemProperties() {
        setProperty(Datasets.DATA_DIR_PROPERTY, tmp.resolve("data").toString());
        assertThat(Datasets.dataDir()).isEqualTo(tmp.resolve("data"));
        assertThat(Datasets.cacheDir()).isEqualTo(tmp.resolve("cache"));
        assertThat(Datasets.offline()).isTrue();
        DatasetResolver r = Datasets.resolver(tmp.resolve("cli-dir"));
        assertThat(r.dataDir()).isEqualTo(tmp.resolve("cli-dir"));
        assertThat(r.cacheDir()).isEqualTo(tmp.resolve("cache"));
    }

    @Test
    void offlineAndMissingSaysWhereToPutTheFile() {
        setProperty(Datasets.DATA_DIR_PROPERTY, tmp.resolve("empty").toString());
        assertThatThrownBy(() -> Datasets.resolve("the-verdict"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("downloads are disabled")
                .hasMessageContaining("https://raw.githubusercontent.com/rasbt/LLMs-from-scratch/main/ch02/01_main-chapter-code/the-verdict.txt")
                .hasMessageContaining("put the-verdict.txt into " + tmp.resolve("empty"));
        assertThat(Datasets.resolvedSoFar()).isEmpty();
    }

    @Test
    void realDatasetsResolveFromTheSharedDataDirectoryAndAreRecorded() throws IOException {
        Path shared = Datasets.dataDir();
        assumeThat(shared).as("WORKBENCH_DATA_DIR points at the real datasets").isNotNull();
        assumeThat(shared.resolve("the-verdict.txt")).exists();

        for (String name : Datasets.manifest().names()) {
            Path p = Datasets.resolve(name);
            assertThat(p).isEqualTo(shared.resolve(Datasets.manifest().entry(name).file()));
        }
        Map<String, ResolvedDataset> seen = Datasets.resolvedSoFar();
        assertThat(seen).hasSize(7);
        assertThat(seen.get("sms-spam").sha256()).isEqualTo("7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d");
        assertThat(seen.get("tinyshakespeare").size()).isEqualTo(1_115_394);
        assertThat(seen.values()).allSatisfy(r -> assertThat(r.source()).isEqualTo(ResolvedDataset.Source.DATA_DIR));

        String verdict = Datasets.readString("the-verdict");
        assertThat(verdict).hasSize(20_479).startsWith("I HAD always thought Jack Gisburn");

        // An explicit directory (the CLI's --data-dir) beats the configured one.
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.copy(shared.resolve("the-verdict.txt"), mine.resolve("the-verdict.txt"));
        assertThat(Datasets.resolve("the-verdict", mine)).isEqualTo(mine.resolve("the-verdict.txt"));
        assertThat(Datasets.resolvedSoFar().get("the-verdict").path()).isEqualTo(mine.resolve("the-verdict.txt"));

        Datasets.clearResolved();
        assertThat(Datasets.resolvedSoFar()).isEmpty();
    }

    private static DatasetManifest parse(String json) {
        return DatasetManifest.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test-manifest.json");
    }

    private void setProperty(String key, String value) {
        savedProperties.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, value);
    }
}
