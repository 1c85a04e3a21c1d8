package org.llmworkbench.viz;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a [T × T] attention matrix as a heat map: one row per query token (top to bottom in
 * reading order), one column per key token, darker = more weight. The scale runs from 0 to 1 so
 * maps of different heads or steps are comparable (or to the largest weight, when dropout's
 * rescaling pushes weights above 1).
 */
public final class AttentionHeatmap {
    private static final Color[] RANGE = {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)};

    private AttentionHeatmap() {}

    public static HeatMapChart chart(float[][] weights, List<String> tokens, String title) {
        return chart(weights, tokens, tokens, title);
    }

    public static HeatMapChart chart(float[][] weights, List<String> queryTokens, List<String> keyTokens, String title) {
        int rows = weights.length;
        if (rows != queryTokens.size()) {
            throw new IllegalArgumentException("weights have " + rows + " rows but " + queryTokens.size() + " query tokens were given");
        }
        for (int r = 0; r < rows; r++) {
            if (weights[r].length != keyTokens.size()) {
                throw new IllegalArgumentException("weights row " + r + " has " + weights[r].length
                        + " columns but " + keyTokens.size() + " key tokens were given");
            }
        }
        int cols = keyTokens.size();
        if (rows == 0 || cols == 0) {
            throw new IllegalArgumentException("weights are empty (" + rows + " query × " + cols
                    + " key tokens); draw the attention of a pass over at least one token");
        }
        int cell = Math.max(rows, cols) <= 16 ? 48 : Math.max(14, 768 / Math.max(rows, cols));
        float max = 1f;
        for (float[] row : weights) for (float w : row) max = Math.max(max, w);
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(Math.max(360, cols * cell + 220))
                .height(Math.max(320, rows * cell + 180))
                .title(title)
                .xAxisTitle("key (attended to)")
                .yAxisTitle("query (attending)")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setRangeColors(RANGE);
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(max);
        if (cols > 6 || labelsCollide(unique(keyTokens), chart.getStyler().getAxisTickLabelsFont(), cell)) {
            chart.getStyler().setXAxisLabelRotation(60); // side by side the labels would run into each other
        }
        chart.getStyler().setShowValue(rows <= 12 && cols <= 12);
        chart.getStyler().setHeatMapValueDecimalPattern("0.00");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(false);

        // XChart's y axis grows upwards; reverse the rows so the first token reads at the top.
        List<String> xLabels = unique(keyTokens);
        List<String> yLabels = new ArrayList<>(unique(queryTokens));
        java.util.Collections.reverse(yLabels);
        List<Number[]> heat = new ArrayList<>(rows * cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) heat.add(new Number[] {c, rows - 1 - r, weights[r][c]});
        }
        chart.addSeries("attention", xLabels, yLabels, heat);
        return chart;
    }

    /** Whether two neighbouring labels, centred on cells {@code cell} pixels apart, would touch (4 px apart or less). */
    static boolean labelsCollide(List<String> labels, java.awt.Font font, int cell) {
        var context = new java.awt.font.FontRenderContext(null, true, false);
        double previous = 0;
        for (String label : labels) {
            double width = label.isEmpty() ? 0 : new java.awt.font.TextLayout(label, font, context).getBounds().getWidth();
            if ((previous + width) / 2 + 4 > cell) return true;
            previous = width;
        }
        return false;
    }

    public static BufferedImage image(float[][] weights, List<String> tokens, String title) {
        return BitmapEncoder.getBufferedImage(chart(weights, tokens, title));
    }

    /** Several maps side by side (e.g. one per head), in rows of {@code perRow}. */
    public static BufferedImage grid(List<float[][]> maps, List<String> tokens, List<String> titles, int perRow) {
        if (maps.size() != titles.size()) throw new IllegalArgumentException(maps.size() + " maps but " + titles.size() + " titles");
        if (maps.isEmpty() || perRow < 1) throw new IllegalArgumentException("need at least one map and perRow >= 1");
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) images.add(image(maps.get(i), tokens, titles.get(i)));
        int w = images.get(0).getWidth(), h = images.get(0).getHeight();
        int cols = Math.min(perRow, images.size()), rows = (images.size() + perRow - 1) / perRow;
        BufferedImage out = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < images.size(); i++) g.drawImage(images.get(i), (i % perRow) * w, (i / perRow) * h, null);
        g.dispose();
        return out;
    }

    /**
     * One map per head of a multi-head module's last pass (stacked or batched; the first sequence
     * of a batch), in rows of {@code perRow}.
     */
    public static BufferedImage heads(org.llmworkbench.model.attention.AttentionModule module, List<String> tokens, int perRow) {
        long[] shape = module.attentionWeights().getShape().getShape();
        if (shape.length != 3 && shape.length != 4) {
            throw new IllegalArgumentException("heads() needs weights [H, T, T] or [B, H, T, T], got " + module.attentionWeights().getShape());
        }
        int heads = (int) shape[shape.length - 3];
        List<float[][]> maps = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            maps.add(shape.length == 3 ? module.attentionMatrix(h) : module.attentionMatrix(0, h));
            titles.add("head " + h);
        }
        return grid(maps, tokens, titles, perRow);
    }

    // Category axes need distinct labels: a repeated token gets its position appended.
    static List<String> unique(List<String> tokens) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : tokens) counts.merge(t, 1, Integer::sum);
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            out.add(counts.get(t) > 1 ? t + " (" + i + ")" : t);
        }
        return out;
    }
}
