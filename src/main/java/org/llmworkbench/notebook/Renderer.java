package org.llmworkbench.notebook;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.llmworkbench.RunCard;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Turns a cell's objects into mime bundles: charts and images as PNG, tables as HTML, the rest as text. */
public final class Renderer {
    /** Tables longer than this show their head and tail only. */
    public static final int MAX_TABLE_ROWS = 40;

    private Renderer() {}

    /**
     * The value as a MIME bundle. The stop button's interrupt may be pending on the cell's thread when it
     * draws (a training run's live chart, before the run reaches its step boundary), and drawing a chart to
     * PNG swallowed it, so the run never stopped: it is set aside while drawing and put back after.
     */
    public static DisplayData render(Object value) {
        boolean interrupted = Thread.interrupted();
        try {
            return renderNow(value);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static DisplayData renderNow(Object value) {
        if (value == null) return DisplayData.text("null");
        if (value instanceof DisplayData d) return d;
        if (value instanceof Displayable d) return d.toDisplayData();
        if (value instanceof RunCard card) return html(card.toHtml(), card.toString());
        if (value instanceof Chart<?, ?> chart) return png(chartImage(chart), chart.getTitle());
        if (value instanceof RenderedImage image) return png(image, "image");
        if (value instanceof Table table) return table(table);
        return DisplayData.text(String.valueOf(value));
    }

    private static DisplayData html(String html, String text) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("text/html", html);
        data.put("text/plain", text);
        return new DisplayData(data);
    }

    static RenderedImage chartImage(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    public static DisplayData png(RenderedImage image, String altText) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean interrupted = Thread.interrupted(); // kept for the cell, as in render
        try {
            if (!ImageIO.write(image, "png", bytes)) throw new IOException("no PNG writer available");
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode image as PNG", e);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("image/png", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        data.put("text/plain", "<" + (altText == null || altText.isBlank() ? "image" : altText) + " "
                + image.getWidth() + "x" + image.getHeight() + ">");
        return new DisplayData(data);
    }

    public static DisplayData table(Table table) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("text/html", tableHtml(table));
        // print(MAX_TABLE_ROWS), not print(): Tablesaw's print() stops at 20 rows, so a 21-row table lost a row to "..."
        // in the text while its HTML showed every row
        data.put("text/plain", table.print(MAX_TABLE_ROWS));
        return new DisplayData(data);
    }

    static String tableHtml(Table table) {
        StringBuilder html = new StringBuilder("<table class=\"wb-table\">");
        if (table.name() != null && !table.name().isBlank()) {
            html.append("<caption>").append(escape(table.name())).append("</caption>");
        }
        html.append("<thead><tr>");
        for (Column<?> c : table.columns()) html.append("<th>").append(escape(c.name())).append("</th>");
        html.append("</tr></thead><tbody>");
        int rows = table.rowCount();
        int head = rows > MAX_TABLE_ROWS ? MAX_TABLE_ROWS / 2 : rows;
        for (int r = 0; r < head; r++) row(html, table, r);
        if (rows > MAX_TABLE_ROWS) {
            html.append("<tr><td colspan=\"").append(table.columnCount()).append("\">… ")
                    .append(rows - MAX_TABLE_ROWS).append(" more rows …</td></tr>");
            for (int r = rows - MAX_TABLE_ROWS / 2; r < rows; r++) row(html, table, r);
        }
        html.append("</tbody></table>");
        html.append("<p><small>").append(rows).append(" rows × ").append(table.columnCount()).append(" columns</small></p>");
        return html.toString();
    }

    private static void row(StringBuilder html, Table table, int r) {
        html.append("<tr>");
        for (Column<?> c : table.columns()) html.append("<td>").append(escape(c.getString(r))).append("</td>");
        html.append("</tr>");
    }

    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
