package org.llmworkbench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a reader needs to reproduce a run: versions, seed, threads, the sha256 of every dataset it
 * read, wall time and the figures it measured (tokens/s, losses). Notebooks add figures with
 * {@link #metric}; the runner fills in the rest and prints one per notebook in the report. It lives
 * at the bottom of the package order (training, the CLI and notebooks all record on it); notebooks
 * show it through {@link #toHtml()}.
 */
public final class RunCard {
    private static volatile RunCard current = new RunCard("interactive");

    private final String name;
    private final Instant started = Instant.now();
    private final Map<String, String> versions = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, String> datasets = new TreeMap<>();
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final Map<String, Object> headline = new LinkedHashMap<>();
    private Path outputDir;
    private String status = "running";
    private Long seed;
    private double wallSeconds = Double.NaN;

    public RunCard(String name) {
        this.name = name;
        versions.put("llm-workbench", Workbench.version());
        versions.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        versions.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /** The card of the notebook now running (or of this interactive session). */
    public static RunCard current() {
        return current;
    }

    /** Starts a fresh card; the runner calls this before each notebook. */
    public static RunCard begin(String name) {
        current = new RunCard(name);
        return current;
    }

    /** Records a figure on the current card, e.g. {@code RunCard.metric("tokens_per_s", 1320.5)}. */
    public static void metric(String key, Object value) {
        current.metrics.put(key, value);
    }

    /**
     * Records one of the run's headline figures (a metric too): the few numbers a reader looks for
     * first, shown next to the card on {@code workbench run}'s index page and gathered by notebook
     * 08's summary table, e.g. {@code RunCard.headline("val_loss", 0.66)}.
     */
    public static void headline(String key, Object value) {
        current.headline.put(key, value);
        current.metrics.put(key, value);
    }

    /** Records the seed of the current run. */
    public static void seed(long seed) {
        current.seed = seed;
    }

    /** A card describing this environment: versions (DJL and PyTorch included) and threads. */
    public static RunCard environment() {
        RunCard card = new RunCard("environment");
        card.addEngineVersions();
        card.status = "ok";
        return card;
    }

    /** Adds DJL and PyTorch versions; loads the native engine if it isn't loaded yet. */
    public RunCard addEngineVersions() {
        try {
            versions.put("djl", ai.djl.engine.Engine.getDjlVersion());
            ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
            versions.put("pytorch", engine.getVersion());
            String blas = System.getProperty("workbench.blas.active"); // set by model.NativeBlas
            if (blas != null) versions.put("blas", blas);
        } catch (RuntimeException | LinkageError e) {
            versions.put("pytorch", "unavailable (" + e.getMessage() + ")");
        }
        return this;
    }

    public static int threads() {
        Integer t = Integer.getInteger("ai.djl.pytorch.num_threads");
        return t != null ? t : Runtime.getRuntime().availableProcessors();
    }

    public String name() { return name; }
    public Instant started() { return started; }
    public String status() { return status; }
    public Long seedValue() { return seed; }
    public double wallSeconds() { return wallSeconds; }
    public Map<String, String> versions() { return Collections.unmodifiableMap(versions); }
    public Map<String, String> parameters() { return Collections.unmodifiableMap(parameters); }
    public Map<String, String> datasets() { return Collections.unmodifiableMap(datasets); }
    public Map<String, Object> metrics() { return Collections.unmodifiableMap(metrics); }
    public Map<String, Object> headline() { return Collections.unmodifiableMap(headline); }

    /** The folder the notebook runner writes this run's executed notebook to; null outside the runner. */
    public Path outputDir() { return outputDir; }
    public RunCard outputDir(Path dir) { outputDir = dir; return this; }

    public RunCard parameter(String key, String value) { parameters.put(key, value); return this; }
    public RunCard dataset(String name, String sha256) { datasets.put(name, sha256); return this; }
    public RunCard version(String key, String value) { versions.put(key, value); return this; }

    /** Closes the card with an outcome ("ok" or "failed: …") and the wall time. */
    public RunCard finish(String outcome, double seconds) {
        this.status = outcome;
        this.wallSeconds = seconds;
        return this;
    }

    public ObjectNode toJson() {
        ObjectMapper m = Json.MAPPER;
        ObjectNode n = m.createObjectNode();
        n.put("name", name);
        n.put("status", status);
        n.put("started", started.toString());
        if (!Double.isNaN(wallSeconds)) n.put("wall_s", Math.round(wallSeconds * 1000) / 1000.0);
        if (seed != null) n.put("seed", seed);
        n.put("threads", threads());
        n.set("versions", m.valueToTree(versions));
        n.set("parameters", m.valueToTree(parameters));
        n.set("datasets", m.valueToTree(datasets));
        n.set("metrics", m.valueToTree(metrics));
        n.set("headline", m.valueToTree(headline));
        return n;
    }

    /** The card as an HTML definition table (used in notebooks and in the report). */
    public String toHtml() {
        StringBuilder h = new StringBuilder("<table class=\"run-card\">");
        row(h, "run", name);
        row(h, "status", status);
        row(h, "started", started.toString());
        if (!Double.isNaN(wallSeconds)) row(h, "wall time", String.format(java.util.Locale.ROOT, "%.1f s", wallSeconds));
        if (seed != null) row(h, "seed", seed.toString());
        row(h, "threads", Integer.toString(threads()));
        versions.forEach((k, v) -> row(h, k, v));
        parameters.forEach((k, v) -> row(h, "param " + k, v));
        datasets.forEach((k, v) -> row(h, "dataset " + k, "sha256 " + v));
        metrics.forEach((k, v) -> row(h, k, String.valueOf(v)));
        return h.append("</table>").toString();
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th style=\"text-align:left\">").append(escape(k)).append("</th><td style=\"text-align:left\">")
                .append(escape(v)).append("</td></tr>");
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public String toString() {
        return toJson().toPrettyString();
    }
}
