package org.llmworkbench.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.llmworkbench.RunCard;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What earlier notebook runs left behind, for the notebooks that build on them. {@code workbench
 * run} writes each executed notebook, with its run card in the metadata, to one folder (default
 * {@code build/}); a notebook saves its files (responses, figures) in a sub-folder named after it.
 * Notebook 08 reads the run cards' headline figures ({@link RunCard#headline}) back from there.
 */
public final class SavedRuns {
    private SavedRuns() {}

    /** One executed notebook's run card, reduced to what a summary shows. */
    public record Run(String notebook, String status, double wallSeconds, Map<String, Object> headline) {}

    /**
     * The folder of saved runs: the one {@code workbench run} is writing to when a notebook runs
     * there, else {@code build/} of the workbench (the {@code workbench.home} property), else
     * {@code build/} in the working directory.
     */
    public static Path dir() {
        Path running = RunCard.current().outputDir();
        if (running != null) return running.toAbsolutePath();
        String home = System.getProperty("workbench.home");
        return (home == null || home.isBlank() ? Path.of("") : Path.of(home)).resolve("build").toAbsolutePath();
    }

    /** The folder where a notebook keeps the files it saves, e.g. {@code build/06-instruction-tuning} (created). */
    public static Path folder(String notebook) throws IOException {
        if (notebook == null || notebook.isBlank() || notebook.contains("/") || notebook.contains("\\")) {
            throw new IllegalArgumentException("a notebook name without slashes is required, got '" + notebook + "'");
        }
        return Files.createDirectories(dir().resolve(notebook));
    }

    /**
     * Files matching {@code glob} (e.g. {@code responses-*.json}) in the notebooks' own folders under
     * {@code dir}, sorted by path: what notebooks 06 and 07 saved for notebook 08.
     */
    public static List<Path> files(Path dir, String glob) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(p -> p.getParent() != null && !p.getParent().equals(dir) && Files.isRegularFile(p)
                    && matcher.matches(p.getFileName())).sorted().toList();
        }
    }

    /**
     * The run cards of the executed notebooks ({@code *.ipynb}) in {@code dir}, in name order;
     * notebooks without a run card are skipped, and a missing folder gives an empty list.
     */
    public static List<Run> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
        List<Run> runs = new ArrayList<>();
        for (Path f : files) {
            JsonNode card = NotebookFile.read(f).path("metadata").path("llm_workbench").path("run_card");
            if (!card.isObject()) continue;
            Map<String, Object> headline = new LinkedHashMap<>();
            card.path("headline").fields().forEachRemaining(e -> headline.put(e.getKey(),
                    e.getValue().isNumber() ? (Object) e.getValue().doubleValue() : e.getValue().asText()));
            runs.add(new Run(card.path("name").asText(f.getFileName().toString()), card.path("status").asText("?"),
                    card.path("wall_s").asDouble(Double.NaN), headline));
        }
        return runs;
    }

    /**
     * {@link #read} with the notebook now running in place of its own older saved card, so that a
     * summary shows this run's figures (status "running"; left out when it has recorded none yet).
     */
    public static List<Run> readWithCurrent(Path dir) throws IOException {
        RunCard now = RunCard.current();
        List<Run> runs = new ArrayList<>(read(dir));
        runs.removeIf(r -> r.notebook().equals(now.name()));
        if (!now.headline().isEmpty()) runs.add(new Run(now.name(), "running", Double.NaN, now.headline()));
        return runs;
    }

    /** One row per headline figure: notebook, figure, value, the run's status and wall time. */
    public static Table headlines(List<Run> runs) {
        StringColumn notebook = StringColumn.create("notebook");
        StringColumn figure = StringColumn.create("figure");
        StringColumn value = StringColumn.create("value");
        StringColumn status = StringColumn.create("status");
        DoubleColumn wall = DoubleColumn.create("wall s");
        for (Run r : runs) {
            for (Map.Entry<String, Object> e : r.headline().entrySet()) {
                notebook.append(r.notebook());
                figure.append(e.getKey());
                value.append(format(e.getValue()));
                status.append(r.status());
                if (Double.isNaN(r.wallSeconds())) wall.appendMissing();
                else wall.append(Math.round(r.wallSeconds() * 10) / 10.0);
            }
        }
        return Table.create("Headline figures of the saved runs", notebook, figure, value, status, wall);
    }

    /** Numbers to 4 significant digits (0.6931, 96.67, 1324), anything else as written. */
    static String format(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) return String.valueOf(d);
            return new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }
}
