package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.cli.WorkbenchCli;

class NotebookRunnerTest {
    @TempDir
    Path dir;

    /** Writes a notebook: cells are {kind, source} with kind md, code, params or raises (tagged raises-exception). */
    static Path notebook(Path file, Map<String, Object> smoke, String[]... cells) throws Exception {
        ObjectNode nb = NotebookFile.JSON.createObjectNode();
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 5);
        ObjectNode meta = nb.putObject("metadata");
        meta.putObject("kernelspec").put("name", "llm-workbench").put("display_name", "Java (llm-workbench)").put("language", "java");
        meta.putObject("llm_workbench").set("smoke", NotebookFile.JSON.valueToTree(smoke));
        var arr = nb.putArray("cells");
        for (String[] c : cells) {
            if (c[0].equals("md")) {
                ObjectNode m = arr.addObject();
                m.put("id", NotebookFile.newCellId());
                m.put("cell_type", "markdown");
                m.putObject("metadata");
                m.set("source", NotebookFile.lines(c[1]));
            } else {
                arr.add(NotebookFile.codeCell(c[1], c[0].equals("params") ? List.of("parameters")
                        : c[0].equals("raises") ? List.of(NotebookRunner.RAISES_EXCEPTION) : List.of()));
            }
        }
        NotebookFile.write(nb, file);
        return file;
    }

    private static String outputsText(JsonNode cell) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode o : cell.path("outputs")) {
            if (o.has("text")) sb.append(NotebookFile.source(NotebookFile.JSON.createObjectNode().set("source", o.get("text"))));
            if (o.has("data")) sb.append(NotebookFile.source(NotebookFile.JSON.createObjectNode().set("source", o.get("data").get("text/plain"))));
        }
        return sb.toString();
    }

    @Test
    void parametersAreInjectedAfterTheParametersCell() throws Exception {
        Path nb = notebook(dir.resolve("p.ipynb"), Map.of("steps", 2),
                new String[] {"md", "# Title"},
                new String[] {"params", "int steps = 100;\nString name = \"base\";\nlong seed = 7;"},
                new String[] {"code", "System.out.println(name + \":\" + steps + \":\" + seed);"});
        NotebookRunner runner = new NotebookRunner(new NotebookRunner.Options(dir.resolve("out"),
                Map.of("name", "a \"quoted\" value", "seed", "99"), true, List.of()), new PrintStream(new ByteArrayOutputStream()));
        NotebookRunner.NotebookResult r = runner.run(nb, true);
        assertThat(r.ok()).isTrue();
        JsonNode executed = NotebookFile.read(r.executed());
        JsonNode cells = executed.get("cells");
        assertThat(cells).hasSize(4);
        assertThat(NotebookFile.tags(cells.get(2))).containsExactly("injected-parameters");
        assertThat(outputsText(cells.get(3))).isEqualTo("a \"quoted\" value:2:99\n");
        assertThat(r.card().seedValue()).isEqualTo(99L);
        assertThat(r.card().parameters()).containsEntry("steps", "2");
        assertThat(executed.at("/metadata/llm_workbench/run_card/status").asText()).isEqualTo("ok");
        assertThat(Files.readString(r.html())).contains("<h1>Title</h1>", "a &quot;quoted&quot; value:2:99");
        assertThat(Files.readString(dir.resolve("out/p.ipynb"))).doesNotContain("\"execution_count\" : null");
    }

    @Test
    void badParametersAreClearErrors() throws Exception {
        Path nb = notebook(dir.resolve("q.ipynb"), Map.of(),
                new String[] {"params", "int steps = 100;"}, new String[] {"code", "steps"});
        ObjectNode doc = NotebookFile.read(nb);
        assertThatThrownBy(() -> NotebookParameters.inject(doc, Map.of("stepz", "3")))
                .hasMessageContaining("unknown parameter(s) [stepz]").hasMessageContaining("[steps]");
        assertThatThrownBy(() -> NotebookParameters.inject(doc, Map.of("steps", "three")))
                .hasMessageContaining("parameter 'steps' is declared int but got 'three'");
        Path none = notebook(dir.resolve("none.ipynb"), Map.of(), new String[] {"code", "1"});
        assertThatThrownBy(() -> NotebookParameters.inject(NotebookFile.read(none), Map.of("x", "1")))
                .hasMessageContaining("no cell tagged 'parameters'");
    }

    @Test
    void aFailingCellStopsItsNotebookAndFailsTheRun() throws Exception {
        Path bad = notebook(dir.resolve("bad.ipynb"), Map.of(),
                new String[] {"params", "int n = 1;"},
                new String[] {"code", "System.out.println(\"first\");"},
                new String[] {"code", "int a = 1;\nObject o = null;\no.toString();"},
                new String[] {"code", "System.out.println(\"never\");"});
        Path good = notebook(dir.resolve("good.ipynb"), Map.of(), new String[] {"params", "int n = 1;"}, new String[] {"code", "n + 1"});
        java.io.StringWriter out = new java.io.StringWriter();
        var cli = WorkbenchCli.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        int code = cli.execute("run", bad.toString(), good.toString(), "--out", dir.resolve("out").toString());
        assertThat(code).isEqualTo(1);
        String printed = out.toString();
        assertThat(printed).contains("bad.ipynb, cell 3: java.lang.NullPointerException: Cannot invoke \"Object.toString()\" because \"o\" is null");
        assertThat(printed).contains("(cell line 3)");
        assertThat(printed.strip().lines().reduce((a, b) -> b).orElseThrow()).startsWith("{").contains("\"failed\":1");

        JsonNode executed = NotebookFile.read(dir.resolve("out/bad.ipynb"));
        JsonNode cells = executed.get("cells");
        assertThat(cells.get(2).get("outputs").get(0).get("output_type").asText()).isEqualTo("error");
        assertThat(cells.get(3).get("execution_count").isNull()).isTrue();
        assertThat(cells.get(3).get("outputs")).isEmpty();
        assertThat(NotebookFile.read(dir.resolve("out/good.ipynb")).at("/cells/1/outputs/0/data/text~1plain/0").asText()).isEqualTo("2");
        assertThat(Files.readString(dir.resolve("out/index.html"))).contains("1 of 2 notebooks ran without error", "bad.ipynb, cell 3");
        assertThat(dir.resolve("out/run.json")).exists();
    }

    @Test
    void aCellTaggedRaisesExceptionShowsItsErrorAndTheRunGoesOn() throws Exception {
        Path nb = notebook(dir.resolve("r.ipynb"), Map.of(),
                new String[] {"params", "int n = 1;"},
                new String[] {"raises", "int deep(int k) { return deep(k + 1) + 1; }\ndeep(0)"},
                new String[] {"raises", "System.exit(2);"},
                new String[] {"code", "n + 41"});
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        NotebookRunner.NotebookResult r = new NotebookRunner(NotebookRunner.Options.to(dir.resolve("out")),
                new PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8)).run(nb, true);
        assertThat(r.ok()).isTrue();
        JsonNode cells = NotebookFile.read(r.executed()).get("cells");
        JsonNode overflow = cells.get(1).get("outputs").get(0);
        assertThat(overflow.get("output_type").asText()).isEqualTo("error");
        assertThat(overflow.get("ename").asText()).isEqualTo("java.lang.StackOverflowError");
        assertThat(overflow.get("traceback").toString()).contains("more identical frames");
        JsonNode exit = cells.get(2).get("outputs").get(0);
        assertThat(exit.get("ename").asText()).isEqualTo("SystemExit");
        assertThat(exit.get("evalue").asText()).startsWith("System.exit(2) is not available in a notebook cell");
        assertThat(cells.get(3).at("/outputs/0/data/text~1plain/0").asText()).isEqualTo("42");
        assertThat(progress.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("r.ipynb, cell 3 failed as its tag says: SystemExit");
        // the report shows an error as Jupyter does: its traceback, whose first line is the error, once
        String html = Files.readString(r.html());
        assertThat(html.split("SystemExit: System.exit\\(2\\)", -1)).hasSize(2);
        assertThat(html).contains("more identical frames");
        // untagged, the same cell stops the notebook
        Path plain = notebook(dir.resolve("s.ipynb"), Map.of(), new String[] {"params", "int n = 1;"},
                new String[] {"code", "System.exit(2);"}, new String[] {"code", "n + 41"});
        NotebookRunner.NotebookResult stopped = new NotebookRunner(NotebookRunner.Options.to(dir.resolve("out")),
                new PrintStream(new ByteArrayOutputStream())).run(plain, true);
        assertThat(stopped.ok()).isFalse();
        assertThat(stopped.failedCell()).isEqualTo(2);
    }

    @Test
    void executedNotebooksAreValidNbformat() throws Exception {
        Path nb = notebook(dir.resolve("v.ipynb"), Map.of(),
                new String[] {"params", "int n = 3;"},
                new String[] {"code", "System.out.println(\"x\");\nSystem.err.println(\"y\");\nvar h = display(\"a\", \"id1\");\nh.update(\"b\");"},
                new String[] {"code", "new java.awt.image.BufferedImage(2, 2, 1)"},
                new String[] {"code", "throw new RuntimeException(\"stop\");"});
        NotebookRunner.NotebookResult r = new NotebookRunner(NotebookRunner.Options.to(dir.resolve("out")),
                new PrintStream(new ByteArrayOutputStream())).run(nb, true);
        assertThat(r.ok()).isFalse();
        assertThat(r.failedCell()).isEqualTo(4);
        JsonNode cell2 = NotebookFile.read(r.executed()).get("cells").get(1);
        assertThat(cell2.get("outputs")).hasSize(3);
        assertThat(cell2.at("/outputs/2/data/text~1plain/0").asText()).as("display updated in place").isEqualTo("b");
        Path python = Path.of("/usr/bin/python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(python), "Debian python3 with nbformat");
        Process p = new ProcessBuilder(python.toString(), "-c",
                "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')",
                r.executed().toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assumptions.assumeFalse(msg.contains("No module named"), "nbformat not installed");
        assertThat(msg.strip()).as(msg).endsWith("valid");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void corruptNotebookFilesNameTheProblem() throws Exception {
        Path broken = dir.resolve("broken.ipynb");
        Files.writeString(broken, "{\"nbformat\": 4, \"cells\": [");
        assertThatThrownBy(() -> NotebookFile.read(broken)).hasMessageContaining("broken.ipynb: not valid JSON");
        Path v3 = dir.resolve("v3.ipynb");
        Files.writeString(v3, "{\"nbformat\": 3, \"metadata\": {}, \"worksheets\": []}");
        assertThatThrownBy(() -> NotebookFile.read(v3)).hasMessageContaining("only nbformat 4");
    }

    @Test
    void headlineFiguresReachTheIndexPageAndTheSavedRunsSummary() throws Exception {
        Path first = notebook(dir.resolve("04-first.ipynb"), Map.of(),
                new String[] {"params", "double loss = 6.5221;"},
                new String[] {"code", "org.llmworkbench.RunCard.headline(\"val_loss\", loss);\n"
                        + "org.llmworkbench.RunCard.metric(\"not_headline\", 1);\n"
                        + "System.out.println(org.llmworkbench.notebook.SavedRuns.folder(\"04-first\"));"});
        Path second = notebook(dir.resolve("05-second.ipynb"), Map.of(),
                new String[] {"params", "int n = 1;"},
                new String[] {"code", "org.llmworkbench.RunCard.headline(\"accuracy_%\", 96.66666);"},
                new String[] {"code", "var runs = org.llmworkbench.notebook.SavedRuns.readWithCurrent(org.llmworkbench.notebook.SavedRuns.dir());\n"
                        + "System.out.println(runs.size() + \" \" + runs.get(0).headline());"});
        Path out = dir.resolve("out");
        NotebookRunner runner = new NotebookRunner(new NotebookRunner.Options(out, Map.of(), false, List.of()),
                new PrintStream(new ByteArrayOutputStream()));
        List<NotebookRunner.NotebookResult> results = runner.runAll(List.of(first, second));
        assertThat(results).allMatch(NotebookRunner.NotebookResult::ok);
        assertThat(results.get(0).card().headline()).containsOnlyKeys("val_loss");
        assertThat(Files.isDirectory(out.resolve("04-first"))).as("the notebook's own folder under the run's output").isTrue();
        // notebook 05 read notebook 04's saved run card while the run was going on
        assertThat(outputsText(NotebookFile.read(results.get(1).executed()).get("cells").get(2))).isEqualTo("2 {val_loss=6.5221}\n");

        String index = Files.readString(out.resolve("index.html"));
        assertThat(index).contains("<th>headline figures</th>", "val_loss</span> 6.522", "accuracy_%</span> 96.67");
        assertThat(index.substring(index.indexOf("<table>"), index.indexOf("</table>"))).doesNotContain("not_headline");

        List<SavedRuns.Run> saved = SavedRuns.read(out);
        assertThat(saved).extracting(SavedRuns.Run::notebook).containsExactly("04-first", "05-second");
        var table = SavedRuns.headlines(saved);
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.stringColumn("value").asList()).containsExactly("6.522", "96.67");
        assertThat(SavedRuns.read(dir.resolve("nothing-here"))).isEmpty();
        Files.writeString(out.resolve("04-first/responses-b.json"), "[]");
        Files.writeString(out.resolve("04-first/other.json"), "[]");
        Files.writeString(out.resolve("responses-top-level.json"), "[]");
        assertThat(SavedRuns.files(out, "responses-*.json")).containsExactly(out.resolve("04-first/responses-b.json"));

        // running one notebook again into the same folder keeps the other in the index, as an earlier run
        assertThat(runner.runAll(List.of(second))).allMatch(NotebookRunner.NotebookResult::ok);
        String again = Files.readString(out.resolve("index.html"));
        assertThat(again).contains("1 of 1 notebooks ran without error", "<h2>Earlier runs in this folder</h2>",
                "<a href=\"04-first.html\">04-first</a>", "val_loss</span> 6.522");
        String earlier = again.substring(again.indexOf("Earlier runs"));
        assertThat(earlier.substring(0, earlier.indexOf("</table>"))).doesNotContain("05-second");
    }
}
