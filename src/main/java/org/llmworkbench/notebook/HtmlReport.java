package org.llmworkbench.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.llmworkbench.RunCard;

/** The HTML report: one self-contained page per executed notebook (images inline) and an index of run cards. */
public final class HtmlReport {
    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser MARKDOWN = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer HTML = HtmlRenderer.builder().extensions(EXTENSIONS).build();

    private static final String STYLE = "<style>"
            + "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
            + "pre{background:#f6f8fa;padding:.6em;overflow-x:auto;border-radius:4px;font-size:13px}"
            + ".code{border-left:3px solid #4a7ab5}.prompt{color:#4a7ab5;font:12px monospace}"
            + ".out{margin-left:1em}.stderr{background:#fff0f0}.error{background:#ffe4e4;color:#900}"
            + "table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px}"
            + ".figure{color:#555}.ok{color:#17803d}.failed{color:#b00}img{max-width:100%}"
            + "</style>";

    private HtmlReport() {}

    public static String markdownToHtml(String markdown) {
        return HTML.render(MARKDOWN.parse(markdown));
    }

    public static void writeNotebook(Path file, JsonNode notebook, RunCard card) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(Renderer.escape(card.name())).append("</title>").append(STYLE).append("</head><body>");
        h.append("<p><a href=\"index.html\">← all notebooks</a></p>");
        h.append("<details><summary>Run card: <span class=\"").append(card.status().equals("ok") ? "ok" : "failed")
                .append("\">").append(Renderer.escape(card.status())).append("</span></summary>")
                .append(card.toHtml()).append("</details>");
        int n = 0;
        for (JsonNode cell : notebook.path("cells")) {
            n++;
            String src = NotebookFile.source(cell);
            switch (cell.path("cell_type").asText()) {
                case "markdown" -> h.append("<div class=\"md\">").append(markdownToHtml(src)).append("</div>");
                case "code" -> {
                    JsonNode ec = cell.path("execution_count");
                    h.append("<div class=\"prompt\">[").append(ec.isNull() ? " " : ec.asText()).append("] cell ").append(n).append("</div>");
                    h.append("<pre class=\"code\">").append(Renderer.escape(src)).append("</pre>");
                    for (JsonNode out : cell.path("outputs")) h.append("<div class=\"out\">").append(output(out)).append("</div>");
                }
                default -> h.append("<pre>").append(Renderer.escape(src)).append("</pre>");
            }
        }
        h.append("</body></html>\n");
        NotebookFile.writeAtomically(file, h.toString());
    }

    private static String output(JsonNode out) {
        switch (out.path("output_type").asText()) {
            case "stream": {
                String text = NotebookFile.source(wrap(out.get("text")));
                return "<pre class=\"" + out.path("name").asText() + "\">" + Renderer.escape(text) + "</pre>";
            }
            case "error": {
                // as Jupyter shows it: the traceback, which starts with the error's own line; name and value without one
                StringBuilder tb = new StringBuilder();
                for (JsonNode l : out.path("traceback")) tb.append(l.asText()).append('\n');
                String shown = tb.length() > 0 ? tb.toString() : out.path("ename").asText() + ": " + out.path("evalue").asText();
                return "<pre class=\"error\">" + Renderer.escape(shown) + "</pre>";
            }
            default: {
                JsonNode data = out.path("data");
                if (data.has("image/png")) return "<img src=\"data:image/png;base64," + data.get("image/png").asText().strip() + "\">";
                if (data.has("text/html")) return NotebookFile.source(wrap(data.get("text/html")));
                if (data.has("text/markdown")) return markdownToHtml(NotebookFile.source(wrap(data.get("text/markdown"))));
                if (data.has("text/plain")) return "<pre>" + Renderer.escape(NotebookFile.source(wrap(data.get("text/plain")))) + "</pre>";
                return "";
            }
        }
    }

    private static JsonNode wrap(JsonNode textOrLines) {
        return NotebookFile.JSON.createObjectNode().set("source", textOrLines);
    }

    /** A card's headline figures as "name value" lines (empty when it recorded none). */
    static String headline(java.util.Map<String, Object> figures) {
        StringBuilder h = new StringBuilder();
        figures.forEach((k, v) -> {
            if (h.length() > 0) h.append("<br>");
            h.append("<span class=\"figure\">").append(Renderer.escape(k)).append("</span> ")
                    .append(Renderer.escape(SavedRuns.format(v)));
        });
        return h.toString();
    }

    /**
     * The notebooks that earlier runs left in the same folder and this run did not redo (their pages
     * stay there; running one notebook must not hide the others from the index).
     */
    private static void appendEarlierRuns(StringBuilder h, Path dir, List<NotebookRunner.NotebookResult> results) {
        java.util.Set<String> now = new java.util.HashSet<>();
        results.forEach(r -> now.add(r.card().name()));
        List<SavedRuns.Run> earlier;
        try {
            earlier = SavedRuns.read(dir).stream().filter(r -> !now.contains(r.notebook())).toList();
        } catch (java.io.IOException | RuntimeException e) {
            h.append("<p>Earlier runs in this folder could not be read: ").append(Renderer.escape(String.valueOf(e.getMessage()))).append("</p>");
            return;
        }
        if (earlier.isEmpty()) return;
        h.append("<h2>Earlier runs in this folder</h2><table><tr><th>notebook</th><th>status</th><th>wall time</th><th>headline figures</th></tr>");
        for (SavedRuns.Run r : earlier) {
            String page = r.notebook() + ".html";
            h.append("<tr><td>");
            if (java.nio.file.Files.isRegularFile(dir.resolve(page))) {
                h.append("<a href=\"").append(Renderer.escape(page)).append("\">").append(Renderer.escape(r.notebook())).append("</a>");
            } else {
                h.append(Renderer.escape(r.notebook()));
            }
            h.append("</td><td class=\"").append("ok".equals(r.status()) ? "ok" : "failed").append("\">").append(Renderer.escape(r.status()))
                    .append("</td><td>").append(Double.isNaN(r.wallSeconds()) ? "" : String.format(Locale.ROOT, "%.1f s", r.wallSeconds()))
                    .append("</td><td>");
            h.append(headline(r.headline())).append("</td></tr>");
        }
        h.append("</table>");
    }

    public static void writeIndex(Path file, List<NotebookRunner.NotebookResult> results) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>llm-workbench run</title>")
                .append(STYLE).append("</head><body><h1>llm-workbench: notebook run</h1>");
        long ok = results.stream().filter(NotebookRunner.NotebookResult::ok).count();
        h.append("<p>").append(ok).append(" of ").append(results.size()).append(" notebooks ran without error.</p>");
        h.append("<table><tr><th>notebook</th><th>status</th><th>wall time</th><th>seed</th><th>threads</th><th>headline figures</th></tr>");
        for (NotebookRunner.NotebookResult r : results) {
            RunCard c = r.card();
            h.append("<tr><td><a href=\"").append(Renderer.escape(r.html().getFileName().toString())).append("\">")
                    .append(Renderer.escape(c.name())).append("</a></td><td class=\"").append(r.ok() ? "ok" : "failed").append("\">")
                    .append(Renderer.escape(r.ok() ? "ok" : r.failureLine())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f s", c.wallSeconds())).append("</td><td>")
                    .append(c.seedValue() == null ? "" : c.seedValue()).append("</td><td>").append(RunCard.threads()).append("</td><td>")
                    .append(headline(c.headline())).append("</td></tr>");
        }
        h.append("</table>");
        appendEarlierRuns(h, file.toAbsolutePath().getParent(), results);
        for (NotebookRunner.NotebookResult r : results) {
            h.append("<h2 id=\"").append(Renderer.escape(r.card().name())).append("\">").append(Renderer.escape(r.card().name())).append("</h2>")
                    .append(r.card().toHtml());
        }
        h.append("</body></html>\n");
        NotebookFile.writeAtomically(file, h.toString());
    }
}
