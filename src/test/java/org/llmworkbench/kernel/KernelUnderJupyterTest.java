package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.notebook.NotebookFile;

/** The kernel under a real Jupyter: nbconvert runs notebooks with it, jupyter_client speaks the protocol to it. */
@Tag(Jupyter.TAG)
class KernelUnderJupyterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;
    static Jupyter jupyter;

    @BeforeAll
    static void install() throws Exception {
        Jupyter.assumeAvailable();
        jupyter = Jupyter.install(home);
    }

    static ObjectNode notebook(String... cells) {
        ObjectNode nb = JSON.createObjectNode();
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 4);
        ObjectNode meta = nb.putObject("metadata");
        ObjectNode ks = meta.putObject("kernelspec");
        ks.put("name", KernelSpec.DEFAULT_NAME);
        ks.put("display_name", KernelSpec.DEFAULT_DISPLAY_NAME);
        ks.put("language", "java");
        meta.putObject("language_info").put("name", "java");
        ArrayNode list = nb.putArray("cells");
        for (String c : cells) list.add(NotebookFile.codeCell(c, List.of()));
        return nb;
    }

    static List<JsonNode> outputs(JsonNode executed) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode cell : executed.path("cells")) cell.path("outputs").forEach(out::add);
        return out;
    }

    @Test
    void nbconvertExecutesANotebookWithTextAChartATableAndALiveDisplay() throws Exception {
        Path dir = Files.createDirectories(home.resolve("ok"));
        Path nb = dir.resolve("rich.ipynb");
        NotebookFile.write(notebook(
                "System.out.println(\"hello from the kernel\");",
                "import org.knowm.xchart.*;\n"
                        + "var chart = new XYChartBuilder().width(320).height(200).title(\"loss\").build();\n"
                        + "chart.addSeries(\"train\", new double[]{1, 2, 3}, new double[]{3.0, 2.0, 1.5});\n"
                        + "display(chart);",
                "import tech.tablesaw.api.*;\n"
                        + "Table.create(\"tokens\", IntColumn.create(\"id\", 15496, 11), StringColumn.create(\"text\", \"Hello\", \",\"))",
                "var h = display(\"step 0\", \"progress\");\nh.update(\"step 10\");\n6 * 7"), nb);
        Path out = dir.resolve("rich.out.ipynb");

        Jupyter.Outcome r = jupyter.execute(nb, out, 120);

        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode executed = JSON.readTree(out.toFile());
        List<JsonNode> outputs = outputs(executed);
        assertThat(outputs).anySatisfy(o -> {
            assertThat(o.path("output_type").asText()).isEqualTo("stream");
            assertThat(o.path("name").asText()).isEqualTo("stdout");
            assertThat(NotebookFile.source(JSON.createObjectNode().set("source", o.path("text")))).isEqualTo("hello from the kernel\n");
        });
        JsonNode png = outputs.stream().filter(o -> o.path("output_type").asText().equals("display_data"))
                .map(o -> o.path("data").path("image/png")).filter(JsonNode::isTextual).findFirst().orElseThrow();
        byte[] bytes = Base64.getMimeDecoder().decode(png.asText());
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
        assertThat(outputs).anySatisfy(o -> {
            assertThat(o.path("output_type").asText()).isEqualTo("execute_result");
            assertThat(text(o.path("data").path("text/html"))).contains("<th>id</th>", "<td>15496</td>");
        });
        // update_display_data replaced the first content in place
        assertThat(outputs).anySatisfy(o -> assertThat(text(o.path("data").path("text/plain"))).isEqualTo("step 10"));
        assertThat(outputs).noneSatisfy(o -> assertThat(text(o.path("data").path("text/plain"))).isEqualTo("step 0"));
        JsonNode last = executed.path("cells").get(3);
        assertThat(last.path("execution_count").asInt()).isEqualTo(4);
        assertThat(outputs(JSON.createObjectNode().set("cells", JSON.createArrayNode().add(last))))
                .anySatisfy(o -> assertThat(text(o.path("data").path("text/plain"))).isEqualTo("42"));
    }

    @Test
    void aFailingCellFailsNbconvertAndNamesTheCellLine() throws Exception {
        Path dir = Files.createDirectories(home.resolve("fail"));
        Path nb = dir.resolve("failing.ipynb");
        NotebookFile.write(notebook(
                "int ok = 1;",
                "String word = \"x\";\nint n = word.length();\nif (n == 1) throw new IllegalStateException(\"boom at three\");\nSystem.out.println(\"not reached\");",
                "System.out.println(\"after the failure\");"), nb);

        Jupyter.Outcome r = jupyter.execute(nb, dir.resolve("failing.out.ipynb"), 120);

        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("java.lang.IllegalStateException", "boom at three", "cell line 3")
                .doesNotContainPattern("(?m)^not reached$");
    }

    @Test
    void protocolRoundTripsWithJupyterClient() throws Exception {
        ScriptRun run = runScript("protocol_check", 240);
        Jupyter.Outcome r = run.outcome();
        JsonNode seen = run.seen();

        assertThat(seen.path("kernel_info").path("language").asText()).isEqualTo("java");
        assertThat(seen.path("kernel_info").path("version").asText()).isEqualTo("17");
        assertThat(seen.path("kernel_info").path("file_extension").asText()).isEqualTo(".jshell");
        assertThat(seen.path("kernel_info").path("banner").asText()).contains("llm-workbench");

        assertThat(seen.path("forged_reply").isNull()).as("a request signed with the wrong key got a reply").isTrue();
        assertThat(seen.path("forged_iopub")).as("a forged request caused broadcasts").isEmpty();
        assertThat(r.output()).contains("dropped a shell message with a wrong signature");

        JsonNode exec = seen.path("execute");
        assertThat(exec.path("status").asText()).isEqualTo("ok");
        assertThat(exec.path("execution_count").asInt()).isEqualTo(1);
        assertThat(exec.path("stdout").asText()).isEqualTo("hello from java\n");
        assertThat(exec.path("result").get(0).asText()).isEqualTo("2");
        assertThat(exec.path("types").toString()).isEqualTo("[\"status\",\"execute_input\",\"stream\",\"execute_result\",\"status\"]");

        JsonNode compile = seen.path("compile_error");
        assertThat(compile.path("status").asText()).isEqualTo("error");
        assertThat(compile.path("ename").asText()).isEqualTo("CompilationException");
        assertThat(compile.path("traceback").get(0).asText()).startsWith("cell line 2: error: incompatible types");
        assertThat(compile.path("published").toString()).isEqualTo("[\"error\"]");

        JsonNode abort = seen.path("stop_on_error");
        assertThat(abort.path("failing").asText()).isEqualTo("error");
        assertThat(abort.path("queued").asText()).as("a cell queued behind a failure").isEqualTo("aborted");
        assertThat(abort.path("printed").asText()).doesNotContain("must not run");
        assertThat(seen.path("retry_after_error").toString()).as("cells sent in answer to an error reply")
                .isEqualTo("[\"ok\",\"ok\",\"ok\",\"ok\",\"ok\",\"ok\",\"ok\",\"ok\",\"ok\",\"ok\"]");

        JsonNode display = seen.path("display");
        assertThat(display.get(0).path("type").asText()).isEqualTo("display_data");
        assertThat(display.get(0).path("display_id").asText()).isEqualTo("live");
        assertThat(display.get(1).path("type").asText()).isEqualTo("update_display_data");
        assertThat(display.get(1).path("text").asText()).isEqualTo("second");

        JsonNode complete = seen.path("complete");
        assertThat(complete.path("matches").toString()).contains("\"String\"", "\"StringBuilder\"");
        assertThat(complete.path("cursor_start").asInt()).isZero();
        assertThat(complete.path("cursor_end").asInt()).isEqualTo(4);
        assertThat(seen.path("is_complete").path("int x = 1;").asText()).isEqualTo("complete");
        assertThat(seen.path("is_complete").path("for (int i = 0; i < 3; i++) {").asText()).isEqualTo("incomplete");
        assertThat(seen.path("is_complete_indent").asText()).isEqualTo("    ");
        assertThat(seen.path("inspect").path("found").asBoolean()).isTrue();
        assertThat(seen.path("inspect").path("text").asText()).contains("Math.max(int a, int b)");

        assertThat(seen.path("loop_started").asBoolean()).as("the endless loop printed before the interrupt").isTrue();
        assertThat(seen.path("sigint_loop_started").asBoolean()).as("the endless loop printed before SIGINT").isTrue();
        assertThat(seen.path("interrupt").path("status").asText()).as("interrupt of an endless loop").isEqualTo("error");
        assertThat(seen.path("interrupt").path("ename").asText()).isEqualTo("InterruptedException");
        assertThat(seen.path("sigint").path("ename").asText()).as("SIGINT stops the cell").isEqualTo("InterruptedException");
        assertThat(seen.path("heartbeat").asBoolean()).isTrue();
        assertThat(seen.path("after_interrupt").get(0).asText()).isEqualTo("42");

        assertThat(seen.path("after_restart_old_var").asText()).as("state is gone after a restart").isEqualTo("error");
        assertThat(seen.path("after_restart").path("result").get(0).asText()).isEqualTo("5");
        assertThat(seen.path("shutdown_reply").path("type").asText()).isEqualTo("shutdown_reply");
        assertThat(seen.path("exit_code").asInt(-1)).as("kernel exit code after shutdown_request").isZero();
    }

    @Test
    void aCellReadsSystemInThroughTheFrontendsInputBox() throws Exception {
        ScriptRun run = runScript("stdin_check", 240);
        Jupyter.Outcome r = run.outcome();
        JsonNode seen = run.seen();
        assertThat(seen.path("timeout").asBoolean()).as(r.output()).isFalse();

        assertThat(seen.path("requests").toString()).isEqualTo(
                "[{\"type\":\"input_request\",\"prompt\":\"\",\"parent_is_cell\":true},"
                + "{\"type\":\"input_request\",\"prompt\":\"\",\"parent_is_cell\":true}]");
        assertThat(seen.path("read").path("status").asText()).isEqualTo("ok");
        assertThat(seen.path("read").path("stdout").asText()).as("the prompt shows before the input box").isEqualTo("name? ");
        assertThat(seen.path("read").path("result").asText()).isEqualTo("\"hi Ada x3\"");

        assertThat(seen.path("interrupted").path("error").asText()).isEqualTo("InterruptedException");
        assertThat(seen.path("interrupt_seconds").asDouble()).isLessThan(1.0);
        assertThat(seen.path("after_interrupt").path("result").asText()).isEqualTo("\"still here\"");

        assertThat(seen.path("no_stdin").path("status").asText()).isEqualTo("ok");
        assertThat(seen.path("no_stdin").path("result").asText()).as("readLine at the end of input").isEqualTo("null");
        assertThat(seen.path("no_stdin").path("stderr").asText()).contains("does not take input (allow_stdin is false)");
    }

    /** README: "In a notebook, the stop button does the same" as Ctrl-C: the run stops at the next step with a checkpoint. */
    @Test
    void theStopButtonEndsATrainingRunAtTheNextStepAndNamesItsCheckpoint() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.llmworkbench.datasets.Datasets.dataDir() != null, "needs the datasets");
        ScriptRun run = runScript("stop_training_check", 400);
        Jupyter.Outcome r = run.outcome();
        JsonNode seen = run.seen();
        assertThat(seen.has("exception")).as(seen.toString()).isFalse();
        assertThat(seen.path("timeout").asBoolean()).as(seen.toString()).isFalse();
        assertThat(seen.path("display_updates").asInt()).as("the live chart was drawn while it trained").isPositive();
        assertThat(seen.path("error").path("ename").asText()).isEqualTo("org.llmworkbench.train.TrainingInterruptedException");
        assertThat(seen.path("error").path("evalue").asText()).contains("training interrupted after step ").contains("checkpoint saved: ");
        int stoppedAt = Integer.parseInt(seen.path("last_step").asText().split(" ")[1]);
        assertThat(stoppedAt).as(seen.toString()).isBetween(3, 10);
        assertThat(seen.path("stop_seconds").asDouble()).as(seen.toString()).isLessThan(30);
        assertThat(seen.path("after").asText()).as("the kernel still runs cells").isEqualTo("2");
    }

    @Test
    void everyNotebookRunnerInjectsSmokeParametersAndRejectsNotebooksWithoutAParametersCell() throws Throwable {
        Path project = Files.createDirectories(home.resolve("project"));
        Path notebooks = Files.createDirectories(project.resolve("notebooks"));
        ObjectNode withParams = notebook("long seed = 42;\nint steps = 200;\nString corpus = \"the-verdict\";",
                "System.out.println(steps + \" \" + corpus + \" \" + seed);");
        ((ObjectNode) withParams.get("cells").get(0).get("metadata")).putArray("tags").add("parameters");
        ObjectNode smoke = ((ObjectNode) withParams.get("metadata")).putObject("llm_workbench").putObject("smoke");
        smoke.put("steps", 3);
        smoke.put("corpus", "tiny \"quoted\"");
        NotebookFile.write(withParams, notebooks.resolve("01-params.ipynb"));
        NotebookFile.write(notebook("System.out.println(1);"), notebooks.resolve("02-no-params.ipynb"));
        Path out = project.resolve("target").resolve("jupyter-notebooks");

        List<DynamicTest> tests = NotebooksUnderJupyterTest.tests(jupyter, NotebooksUnderJupyterTest.notebooks(project), out).toList();

        assertThat(tests).extracting(DynamicTest::getDisplayName).containsExactly("01-params.ipynb", "02-no-params.ipynb");
        tests.get(0).getExecutable().execute();
        JsonNode executed = JSON.readTree(out.resolve("01-params.ipynb").toFile());
        assertThat(executed.path("cells").get(1).path("metadata").path("tags").get(0).asText()).isEqualTo("injected-parameters");
        assertThat(outputs(executed)).anySatisfy(o -> assertThat(text(o.path("text"))).isEqualTo("3 tiny \"quoted\" 42\n"));
        assertThatThrownBy(() -> tests.get(1).getExecutable().execute())
                .hasMessageContaining("02-no-params.ipynb has no code cell tagged 'parameters'");
    }

    private static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder sb = new StringBuilder();
            node.forEach(n -> sb.append(n.asText()));
            return sb.toString();
        }
        return node.asText();
    }

    /**
     * Runs one of the test's jupyter_client scripts (src/test/resources/jupyter) against the kernel
     * installed for the test; what it saw is the JSON after its {@code RESULT } line.
     */
    private static ScriptRun runScript(String name, int timeoutSeconds) throws Exception {
        Path script = home.resolve(name + ".py");
        try (InputStream in = KernelUnderJupyterTest.class.getResourceAsStream("/jupyter/" + name + ".py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Jupyter.Outcome r = jupyter.run(List.of(Jupyter.PYTHON.toString(), script.toString(), KernelSpec.DEFAULT_NAME), home,
                timeoutSeconds);
        String resultLine = r.output().lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
        assertThat(resultLine).as("%s.py printed no RESULT; exit %d, output:%n%s", name, r.exitCode(), r.output()).isNotNull();
        return new ScriptRun(JSON.readTree(resultLine.substring("RESULT ".length())), r);
    }

    private record ScriptRun(JsonNode seen, Jupyter.Outcome outcome) {}
}
