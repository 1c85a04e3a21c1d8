package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelHistoryTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    private KernelHistory open(Path file, String... inputs) {
        KernelHistory h = new KernelHistory(file, log);
        for (int i = 0; i < inputs.length; i++) h.input(i + 1, inputs[i]);
        return h;
    }

    private static List<String> inputs(List<KernelHistory.Entry> entries) {
        return entries.stream().map(KernelHistory.Entry::input).toList();
    }

    @Test
    void tailRangeAndSearchAnswerAsIPythonsDo() {
        KernelHistory h = open(null, "int a = 1;", "6 * 7", "a + 1", "6 * 7", "List.of(a)");
        h.output(2, "42");

        assertThat(inputs(h.tail(2))).containsExactly("6 * 7", "List.of(a)");
        assertThat(h.tail(99)).hasSize(5);
        assertThat(h.tail(0)).isEmpty();
        assertThat(h.tail(5).get(1)).isEqualTo(new KernelHistory.Entry(1, 2, "6 * 7", "42"));

        assertThat(h.range(0, 2, 4)).extracting(KernelHistory.Entry::line).containsExactly(2, 3);
        assertThat(h.range(1, 4, 0)).extracting(KernelHistory.Entry::line).as("stop 0: to the end").containsExactly(4, 5);

        assertThat(inputs(h.search("6 ?*", 0, false))).containsExactly("6 * 7", "6 * 7");
        assertThat(h.search("6 ?*", 0, true)).extracting(KernelHistory.Entry::line).as("unique keeps the latest").containsExactly(4);
        assertThat(inputs(h.search("*a*", 2, false))).containsExactly("a + 1", "List.of(a)");
        assertThat(h.search("[!6]*", 0, false)).extracting(KernelHistory.Entry::line).containsExactly(1, 3, 5);
        assertThat(h.search("int ?", 0, false)).as("a glob matches the whole input").isEmpty();
    }

    @Test
    void historyIsKeptAcrossRestartsOneSessionPerKernel() throws Exception {
        Path file = dir.resolve("data").resolve(KernelHistory.FILE_NAME);
        KernelHistory first = open(file, "int answer = 6 * 7;", "answer");
        first.output(2, "42");
        assertThat(first.session()).isEqualTo(1);
        first.close();

        KernelHistory second = open(file, "answer * 10");
        assertThat(second.session()).isEqualTo(2);
        assertThat(second.tail(10)).containsExactly(
                new KernelHistory.Entry(1, 1, "int answer = 6 * 7;", null),
                new KernelHistory.Entry(1, 2, "answer", "42"),
                new KernelHistory.Entry(2, 1, "answer * 10", null));
        assertThat(inputs(second.range(-1, 1, 0))).as("session -1: the one before").containsExactly("int answer = 6 * 7;", "answer");
        second.close();

        JsonNode stored = new ObjectMapper().readTree(file.toFile());
        assertThat(stored.path("format").asText()).isEqualTo(KernelHistory.FORMAT);
        assertThat(stored.path("last_session").asInt()).isEqualTo(2);
        assertThat(stored.path("entries")).hasSize(3);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temp file left behind")
                    .containsExactlyInAnyOrder(KernelHistory.FILE_NAME, KernelHistory.FILE_NAME + ".lock");
        }
    }

    @Test
    void entriesReachTheFileSoonWithoutWaitingForShutdownAndABurstCostsOneWrite() throws Exception {
        Path file = dir.resolve(KernelHistory.FILE_NAME);
        KernelHistory h = open(file, "int kept = 1;");
        h.session();
        long seen = System.nanoTime();
        while (!Files.exists(file) || !Files.readString(file).contains("int kept = 1;")) {
            assertThat((System.nanoTime() - seen) / 1e6).as("ms until the entry is in the file").isLessThan(KernelHistory.SAVE_DELAY_MS + 8_000);
            Thread.sleep(50);
        }
        // a burst of cells: the file is not rewritten per cell (that costs O(file) each), but once after the burst
        FileTime before = Files.getLastModifiedTime(file);
        for (int i = 2; i <= 200; i++) h.input(i, "cell " + i);
        assertThat(Files.readString(file)).as("written later, not at once").doesNotContain("cell 200");
        h.close();
        assertThat(Files.readString(file)).as("close() writes what is pending").contains("cell 200");
        assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(before);
    }

    @Test
    void kernelsRunningAtTheSameTimeKeepEachOthersEntries() {
        Path file = dir.resolve(KernelHistory.FILE_NAME);
        KernelHistory a = open(file, "a1");
        KernelHistory b = open(file, "b1");
        a.input(2, "a2");
        b.input(2, "b2");
        assertThat(List.of(a.session(), b.session())).containsExactlyInAnyOrder(1, 2);
        a.close();
        b.close();

        KernelHistory c = open(file);
        assertThat(c.session()).isEqualTo(3);
        assertThat(inputs(c.tail(10))).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
        c.close();
    }

    @Test
    void theFileStaysSmall() {
        List<KernelHistory.Entry> many = new ArrayList<>();
        for (int i = 1; i <= KernelHistory.MAX_ENTRIES + 10; i++) many.add(new KernelHistory.Entry(1, i, "x" + i, null));
        List<KernelHistory.Entry> kept = KernelHistory.newest(many);
        assertThat(kept).hasSize(KernelHistory.MAX_ENTRIES);
        assertThat(kept.get(kept.size() - 1).input()).isEqualTo("x" + (KernelHistory.MAX_ENTRIES + 10));
        assertThat(kept.get(0).input()).isEqualTo("x11");

        String big = "y".repeat(KernelHistory.MAX_CHARS / 4);
        List<KernelHistory.Entry> large = List.of(new KernelHistory.Entry(1, 1, big, null), new KernelHistory.Entry(1, 2, big, null),
                new KernelHistory.Entry(1, 3, big, null), new KernelHistory.Entry(1, 4, big, null), new KernelHistory.Entry(1, 5, big, "z"));
        assertThat(KernelHistory.newest(large)).extracting(KernelHistory.Entry::line).as("the oldest go first").containsExactly(3, 4, 5);

        KernelHistory h = open(null, "p".repeat(KernelHistory.MAX_INPUT_CHARS + 1), "   ", "ok");
        h.output(3, "o".repeat(5_000));
        assertThat(inputs(h.tail(10))).as("pasted data and blank cells are not recorded").containsExactly("ok");
        assertThat(h.tail(1).get(0).output()).hasSize(KernelHistory.MAX_OUTPUT_CHARS + 1).endsWith("…");
    }

    @Test
    void anUnreadableFileIsSetAsideNotLostAndANewOneStarted() throws Exception {
        Path file = dir.resolve(KernelHistory.FILE_NAME);
        Files.writeString(file, "{ this is not json");

        KernelHistory h = open(file, "int x = 1;");
        assertThat(h.session()).isEqualTo(1);
        h.close();

        assertThat(Files.readString(dir.resolve(KernelHistory.FILE_NAME + ".bad"))).isEqualTo("{ this is not json");
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains(file.toString(), "is not readable", "moved it to");
        assertThat(inputs(open(file).tail(5))).containsExactly("int x = 1;");
    }

    @Test
    void theFileIsTheUsersUnlessAPropertyOrVariableSaysOtherwise() {
        String saved = System.getProperty(KernelHistory.PROPERTY);
        try {
            System.clearProperty(KernelHistory.PROPERTY);
            if (!System.getProperty("os.name", "").toLowerCase().matches("(mac|windows).*")) {
                assertThat(KernelHistory.location(Map.of("XDG_DATA_HOME", "/data")))
                        .isEqualTo(Path.of("/data", "llm-workbench", KernelHistory.FILE_NAME));
                assertThat(KernelHistory.location(Map.of()))
                        .isEqualTo(Path.of(System.getProperty("user.home"), ".local", "share", "llm-workbench", KernelHistory.FILE_NAME));
            }
            assertThat(KernelHistory.location(Map.of(KernelHistory.ENV, "/tmp/h.json"))).isEqualTo(Path.of("/tmp/h.json"));
            assertThat(KernelHistory.location(Map.of(KernelHistory.ENV, "off"))).isNull();
            System.setProperty(KernelHistory.PROPERTY, "/elsewhere/h.json");
            assertThat(KernelHistory.location(Map.of(KernelHistory.ENV, "/tmp/h.json"))).isEqualTo(Path.of("/elsewhere/h.json"));
        } finally {
            if (saved == null) System.clearProperty(KernelHistory.PROPERTY);
            else System.setProperty(KernelHistory.PROPERTY, saved);
        }
    }
}
