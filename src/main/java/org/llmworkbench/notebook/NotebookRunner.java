package org.llmworkbench.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.RunCard;

/**
 * Executes notebooks headlessly with the engine (no Jupyter, no Python) and writes the executed
 * notebooks and an HTML report. A failing cell stops its notebook; the others still run.
 */
public final class NotebookRunner {

    /** How to run: where to write, parameter overrides, and whether to use each notebook's smoke values. */
    /**
     * The tag of a cell that is meant to fail (Jupyter's nbclient convention): its error is shown and the
     * run goes on.
     */
    public static final String RAISES_EXCEPTION = "raises-exception";

    public record Options(Path outDir, Map<String, String> parameters, boolean smoke, List<String> extraClasspath) {
        public Options {
            parameters = Map.copyOf(parameters);
            extraClasspath = List.copyOf(extraClasspath);
        }

        public static Options to(Path outDir) {
            return new Options(outDir, Map.of(), false, List.of());
        }
    }

    /** The outcome of one notebook; {@code failedCell} is 1-based among all cells, or 0. */
    public record NotebookResult(Path source, Path executed, Path html, RunCard card, int failedCell, CellError error) {
        public boolean ok() {
            return error == null;
        }

        /** {@code notebook, cell N: error}, as printed for a failure. */
        public String failureLine() {
            return ok() ? "" : source.getFileName() + ", cell " + failedCell + ": " + error.summary();
        }
    }

    private final Options options;
    private final PrintStream progress;

    public NotebookRunner(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs each notebook in order, then writes the index page. */
    public List<NotebookResult> runAll(List<Path> notebooks) {
        checkParametersExist(notebooks);
        List<NotebookResult> results = new ArrayList<>();
        for (Path nb : notebooks) results.add(run(nb, notebooks.size() == 1));
        HtmlReport.writeIndex(options.outDir().resolve("index.html"), results);
        return results;
    }

    /** With several notebooks, -p name=value applies to those that declare it; a name none declares is an error. */
    private void checkParametersExist(List<Path> notebooks) {
        if (notebooks.size() < 2 || options.parameters().isEmpty()) return;
        List<String> unknown = new ArrayList<>(options.parameters().keySet());
        for (Path nb : notebooks) unknown.removeAll(NotebookParameters.declared(NotebookFile.read(nb)).keySet());
        if (!unknown.isEmpty()) throw new IllegalArgumentException("no notebook declares parameter(s) " + unknown);
    }

    public NotebookResult run(Path notebookPath, boolean strictParameters) {
        ObjectNode original = NotebookFile.read(notebookPath);
        String fileName = notebookPath.getFileName().toString();
        String baseName = fileName.endsWith(".ipynb") ? fileName.substring(0, fileName.length() - 6) : fileName;
        Map<String, NotebookParameters.Parameter> declared = NotebookParameters.declared(original);
        Map<String, String> overrides = new LinkedHashMap<>();
        if (options.smoke()) overrides.putAll(NotebookParameters.smoke(original));
        options.parameters().forEach((k, v) -> {
            if (strictParameters || declared.containsKey(k)) overrides.put(k, v);
        });
        ObjectNode notebook = NotebookParameters.inject(original, overrides);
        NotebookFile.ensureCellIds(notebook);

        RunCard card = RunCard.begin(baseName).outputDir(options.outDir());
        declared.forEach((k, p) -> card.parameter(k, overrides.getOrDefault(k, p.defaultValue())));
        String seed = overrides.containsKey("seed") ? overrides.get("seed") : declared.containsKey("seed") ? declared.get("seed").defaultValue() : null;
        if (seed != null) {
            try {
                RunCard.seed(Long.parseLong(seed.replaceAll("[lL_]", "")));
            } catch (NumberFormatException ignored) {
                // a seed written as an expression stays in the parameters only
            }
        }
        Datasets.clearResolved();
        progress.println("▶ " + fileName + (overrides.isEmpty() ? "" : " " + overrides));

        long t0 = System.nanoTime();
        int failedCell = 0;
        CellError error = null;
        ArrayNode cells = (ArrayNode) notebook.get("cells");
        try (NotebookEngine engine = new NotebookEngine(options.extraClasspath())) {
            int count = 0;
            for (int i = 0; i < cells.size(); i++) {
                ObjectNode cell = (ObjectNode) cells.get(i);
                if (!"code".equals(cell.path("cell_type").asText())) continue;
                ArrayNode outputs = cell.putArray("outputs");
                if (error != null) {
                    cell.putNull("execution_count");
                    continue;
                }
                count++;
                CollectingSink sink = new CollectingSink(outputs);
                CellResult r = engine.execute(NotebookFile.source(cell), sink);
                cell.put("execution_count", count);
                ObjectNode meta = (ObjectNode) cell.get("metadata");
                meta.with("llm_workbench").put("wall_ms", Math.round(r.wallNanos() / 1e6));
                if (r.isOk()) {
                    r.result().ifPresent(v -> sink.add(executeResult(v, cell.get("execution_count").asInt())));
                } else if (NotebookFile.tags(cell).contains(RAISES_EXCEPTION)) {
                    sink.add(errorOutput(r.error())); // shown, as Jupyter shows it; the run goes on
                    progress.println("  " + fileName + ", cell " + (i + 1) + " failed as its tag says: " + r.error().summary());
                } else {
                    error = r.error();
                    failedCell = i + 1;
                    sink.add(errorOutput(r.error()));
                    progress.println("✗ " + fileName + ", cell " + failedCell + ": " + r.error().summary());
                }
            }
        } catch (RuntimeException e) {
            if (error == null) {
                error = new CellError(e.getClass().getName(), e.getMessage(), 0, List.of(String.valueOf(e)));
                failedCell = Math.max(failedCell, 1);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Datasets.resolvedSoFar().forEach((name, r) -> card.dataset(name, r.sha256()));
        card.addEngineVersions();
        card.finish(error == null ? "ok" : "failed: cell " + failedCell + ": " + error.summary(), seconds);
        ((ObjectNode) notebook.get("metadata")).with("llm_workbench").set("run_card", card.toJson());
        progress.printf(java.util.Locale.ROOT, "%s %s in %.1f s%n", error == null ? "✓" : "✗", fileName, seconds);

        Path executed = options.outDir().resolve(baseName + ".ipynb");
        NotebookFile.write(notebook, executed);
        Path html = options.outDir().resolve(baseName + ".html");
        HtmlReport.writeNotebook(html, notebook, card);
        return new NotebookResult(notebookPath, executed, html, card, failedCell, error);
    }

    static ObjectNode executeResult(DisplayData value, int executionCount) {
        ObjectNode o = NotebookFile.JSON.createObjectNode();
        o.put("output_type", "execute_result");
        o.put("execution_count", executionCount);
        o.set("data", bundle(value));
        o.putObject("metadata");
        return o;
    }

    static ObjectNode errorOutput(CellError e) {
        ObjectNode o = NotebookFile.JSON.createObjectNode();
        o.put("output_type", "error");
        o.put("ename", e.name());
        o.put("evalue", e.message() + (e.line() > 0 ? " (cell line " + e.line() + ")" : ""));
        ArrayNode tb = o.putArray("traceback");
        e.traceback().forEach(tb::add);
        return o;
    }

    static ObjectNode bundle(DisplayData d) {
        ObjectNode data = NotebookFile.JSON.createObjectNode();
        d.data().forEach((mime, content) -> {
            if (mime.startsWith("image/") && !mime.equals("image/svg+xml")) data.put(mime, content);
            else data.set(mime, NotebookFile.lines(content));
        });
        return data;
    }

    /**
     * Turns a cell's output events into nbformat outputs, merging consecutive text of one stream;
     * clearOutput removes what is there (with wait, when the next output comes, as a frontend does).
     */
    static final class CollectingSink implements OutputSink {
        private final ArrayNode outputs;
        private final Map<String, List<ObjectNode>> byDisplayId = new HashMap<>();
        private boolean clearBeforeNextOutput;

        CollectingSink(ArrayNode outputs) {
            this.outputs = outputs;
        }

        @Override public void stdout(String text) { stream("stdout", text); }
        @Override public void stderr(String text) { stream("stderr", text); }

        private synchronized void stream(String name, String text) {
            clearIfPending();
            if (outputs.size() > 0) {
                JsonNode last = outputs.get(outputs.size() - 1);
                if ("stream".equals(last.path("output_type").asText()) && name.equals(last.path("name").asText())) {
                    String joined = NotebookFile.source(wrapText(last)) + text;
                    ((ObjectNode) last).set("text", NotebookFile.lines(joined));
                    return;
                }
            }
            ObjectNode o = outputs.addObject();
            o.put("output_type", "stream");
            o.put("name", name);
            o.set("text", NotebookFile.lines(text));
        }

        private static JsonNode wrapText(JsonNode streamOutput) {
            ObjectNode n = NotebookFile.JSON.createObjectNode();
            n.set("source", streamOutput.get("text"));
            return n;
        }

        @Override
        public synchronized void display(DisplayData data, String displayId) {
            if (data.isEmpty()) return;
            clearIfPending();
            ObjectNode o = outputs.addObject();
            o.put("output_type", "display_data");
            o.set("data", bundle(data));
            o.putObject("metadata");
            if (displayId != null) byDisplayId.computeIfAbsent(displayId, k -> new ArrayList<>()).add(o);
        }

        @Override
        public synchronized void updateDisplay(DisplayData data, String displayId) {
            for (ObjectNode o : byDisplayId.getOrDefault(displayId, List.of())) o.set("data", bundle(data));
        }

        /** The cell's result or error, after what it printed and showed. */
        synchronized void add(ObjectNode output) {
            clearIfPending();
            outputs.add(output);
        }

        @Override
        public synchronized void clearOutput(boolean wait) {
            clearBeforeNextOutput = true;
            if (!wait) clearIfPending();
        }

        private void clearIfPending() {
            if (!clearBeforeNextOutput) return;
            clearBeforeNextOutput = false;
            outputs.removeAll();
            byDisplayId.clear();
        }
    }
}
