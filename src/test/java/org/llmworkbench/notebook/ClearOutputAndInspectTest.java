package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** clearOutput() in cells, in the engine and the headless runner; inspect on a bare method or class name. */
class ClearOutputAndInspectTest {
    static NotebookEngine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        engine = new NotebookEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void aCellsClearOutputReachesItsSinkInOrder() {
        List<String> events = new ArrayList<>();
        OutputSink sink = new OutputSink() {
            @Override public void stdout(String text) { events.add("out:" + text); }
            @Override public void stderr(String text) { events.add("err:" + text); }
            @Override public void display(DisplayData data, String id) { events.add("display:" + data.plainText()); }
            @Override public void updateDisplay(DisplayData data, String id) { events.add("update:" + data.plainText()); }
            @Override public void clearOutput(boolean wait) { events.add("clear:" + wait); }
        };

        CellResult r = engine.execute("System.out.println(\"old\");\nclearOutput(true);\nSystem.out.println(\"new\");\nclearOutput();", sink);

        assertThat(r.isOk()).as("%s", r.error()).isTrue();
        assertThat(events).containsExactly("out:old\n", "clear:true", "out:new\n", "clear:false");
    }

    @Test
    void inspectFindsABareMethodOrClassName() {
        assertThat(engine.inspect("Math.max", 8)).hasValueSatisfying(doc -> assertThat(doc).contains("Math.max(int a, int b)", "Math.max(double a, double b)"));
        assertThat(engine.inspect("int m = Math.max", 16)).hasValueSatisfying(doc -> assertThat(doc).contains("Math.max(long a, long b)"));
        assertThat(engine.inspect("String", 6)).hasValueSatisfying(doc -> assertThat(doc).startsWith("java.lang.String"));
        assertThat(engine.inspect("Math.max(1, 2)", 5)).as("cursor inside the name, before its parenthesis").isPresent();
        assertThat(engine.inspect("noSuchMethodAnywhere", 20)).isEmpty();
    }

    @Test
    void theHeadlessRunnerClearsLikeAFrontendDoes() throws Exception {
        Path nb = NotebookRunnerTest.notebook(dir.resolve("clear.ipynb"), Map.of(),
                new String[] {"params", "int steps = 3;"},
                // a progress loop: each step replaces the last once the new line is there
                new String[] {"code", "for (int i = 1; i <= steps; i++) { clearOutput(true); System.out.println(\"step \" + i + \"/\" + steps); }"},
                new String[] {"code", "System.out.println(\"gone\");\ndisplay(\"also gone\");\nclearOutput();\nSystem.out.println(\"kept\");"},
                new String[] {"code", "System.out.println(\"replaced by the result\");\nclearOutput(true);\n6 * 7"},
                new String[] {"code", "System.out.println(\"stays: nothing came after the wait\");\nclearOutput(true);"});

        NotebookRunner.NotebookResult r = new NotebookRunner(NotebookRunner.Options.to(dir.resolve("out")),
                new PrintStream(new ByteArrayOutputStream())).run(nb, false);

        assertThat(r.failedCell()).isZero();
        JsonNode cells = NotebookFile.read(r.executed()).get("cells");
        assertThat(texts(cells.get(1))).containsExactly("step 3/3\n");
        assertThat(texts(cells.get(2))).containsExactly("kept\n");
        assertThat(texts(cells.get(3))).containsExactly("42");
        assertThat(cells.get(3).get("outputs").get(0).get("output_type").asText()).isEqualTo("execute_result");
        assertThat(texts(cells.get(4))).containsExactly("stays: nothing came after the wait\n");
    }

    private static List<String> texts(JsonNode cell) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : (ArrayNode) cell.get("outputs")) {
            JsonNode text = o.has("text") ? o.get("text") : o.path("data").path("text/plain");
            out.add(NotebookFile.source(NotebookFile.JSON.createObjectNode().set("source", text)));
        }
        return out;
    }
}
