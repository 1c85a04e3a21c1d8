package org.llmworkbench.cli;

import org.llmworkbench.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.llmworkbench.notebook.NotebookFile;
import org.llmworkbench.notebook.NotebookParameters;
import org.llmworkbench.notebook.NotebookRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workbench run}: executes notebooks headlessly and writes executed copies plus an HTML report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Execute notebooks (default: every notebooks/*.ipynb) and write executed .ipynb files and an HTML report.")
public final class RunCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "NOTEBOOK", description = "Notebooks to run (default: all in notebooks/).")
    List<Path> notebooks = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: build/).")
    Path out;

    @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE",
            description = "Override a value of the notebook's 'parameters' cell (repeatable).")
    List<String> parameters = new ArrayList<>();

    @Option(names = "--smoke", description = "Use each notebook's small smoke parameters (what the tests use).")
    boolean smoke;

    @Mixin
    DataDirOption dataDir;

    static Path home() {
        String h = System.getProperty("workbench.home");
        return h == null || h.isBlank() ? Path.of("").toAbsolutePath() : Path.of(h);
    }

    @Override
    public Integer call() throws IOException {
        if (dataDir.dataDir != null) System.setProperty("workbench.data.dir", dataDir.dataDir.toAbsolutePath().toString());
        List<Path> todo = notebooks.isEmpty() ? allNotebooks(home().resolve("notebooks")) : notebooks;
        for (Path p : todo) {
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such notebook: " + p.toAbsolutePath());
        }
        Path outDir = out != null ? out : home().resolve("build");
        NotebookRunner runner = new NotebookRunner(new NotebookRunner.Options(outDir,
                NotebookParameters.parseAssignments(parameters), smoke, List.of()), System.err);
        List<NotebookRunner.NotebookResult> results = runner.runAll(todo);

        ObjectMapper json = Json.MAPPER;
        ObjectNode summary = json.createObjectNode();
        summary.put("command", "run");
        summary.put("notebooks", results.size());
        summary.put("failed", results.stream().filter(r -> !r.ok()).count());
        summary.put("report", outDir.resolve("index.html").toString());
        ArrayNode cards = summary.putArray("runs");
        for (NotebookRunner.NotebookResult r : results) {
            ObjectNode c = r.card().toJson();
            if (!r.ok()) c.put("error", r.failureLine());
            cards.add(c);
        }
        NotebookFile.writeAtomically(outDir.resolve("run.json"), summary.toPrettyString() + "\n");
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.println("report: " + outDir.resolve("index.html"));
        for (NotebookRunner.NotebookResult r : results) if (!r.ok()) out.println(r.failureLine());
        summary.remove("runs");
        out.println(json.writeValueAsString(summary));
        out.flush();
        return results.stream().allMatch(NotebookRunner.NotebookResult::ok) ? 0 : 1;
    }

    static List<Path> allNotebooks(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no notebooks folder at " + dir);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }
}
