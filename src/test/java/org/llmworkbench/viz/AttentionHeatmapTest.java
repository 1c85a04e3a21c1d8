package org.llmworkbench.viz;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapSeries;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttentionHeatmapTest {
    static final List<String> TOKENS = List.of("the", "cat", "saw", "the");
    static final float[][] W = {
            {1f, 0f, 0f, 0f},
            {0.3f, 0.7f, 0f, 0f},
            {0.2f, 0.5f, 0.3f, 0f},
            {0.1f, 0.2f, 0.3f, 0.4f}};

    @Test
    void chartHasTokenLabelsAndFirstTokenOnTop() {
        HeatMapChart chart = AttentionHeatmap.chart(W, TOKENS, "causal");
        HeatMapSeries s = chart.getSeriesMap().get("attention");
        assertThat(List.<Object>copyOf(s.getXData())).containsExactly("the (0)", "cat", "saw", "the (3)");
        assertThat(List.<Object>copyOf(s.getYData())).containsExactly("the (3)", "saw", "cat", "the (0)");
        // query row 1 ("cat") attends 0.7 to key 1 ("cat"): x = 1, y = 4 - 1 - 1 = 2
        assertThat(s.getHeatData()).anySatisfy(cell -> assertThat(cell).containsExactly(1, 2, 0.7f));
        assertThat(s.getHeatData()).hasSize(16);
        assertThat(chart.getTitle()).isEqualTo("causal");
    }

    @Test
    void keyLabelsTooWideForTheirCellsAreTurned() {
        float[][] six = new float[6][6];
        for (int r = 0; r < 6; r++) for (int c = 0; c <= r; c++) six[r][c] = 1f / (r + 1);
        // the book's example: "journey" and "starts" ran into each other side by side ("journeystarts")
        List<String> book = List.of("Your", "journey", "starts", "with", "one", "step");
        assertThat(AttentionHeatmap.chart(six, book, "book").getStyler().getXAxisLabelRotation()).isEqualTo(60);
        assertThat(AttentionHeatmap.chart(six, List.of("a", "b", "c", "d", "e", "f"), "short").getStyler()
                .getXAxisLabelRotation()).isZero();
        assertThat(AttentionHeatmap.chart(W, TOKENS, "causal").getStyler().getXAxisLabelRotation()).isZero();
    }

    @Test
    void rendersImagesAndGrids() {
        BufferedImage one = AttentionHeatmap.image(W, TOKENS, "w");
        assertThat(one.getWidth()).isGreaterThanOrEqualTo(360);
        BufferedImage grid = AttentionHeatmap.grid(List.of(W, W, W), TOKENS, List.of("h0", "h1", "h2"), 2);
        assertThat(grid.getWidth()).isEqualTo(2 * one.getWidth());
        assertThat(grid.getHeight()).isEqualTo(2 * one.getHeight());
    }

    @Test
    void emptyWeightsAreRefusedUpFront() {
        assertThatThrownBy(() -> AttentionHeatmap.chart(new float[0][0], List.of(), "none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weights are empty (0 query × 0 key tokens); draw the attention of a pass over at least one token");
        assertThatThrownBy(() -> AttentionHeatmap.chart(new float[][] {{}}, List.of("a"), List.of(), "none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("weights are empty (1 query × 0 key tokens)");
    }

    @Test
    void labelCountMustMatchTheMatrix() {
        assertThatThrownBy(() -> AttentionHeatmap.chart(W, List.of("a", "b"), "x"))
                .hasMessageContaining("weights have 4 rows but 2 query tokens were given");
    }

    @Test
    void scaleIsZeroToOneUnlessDropoutPushedWeightsHigher() {
        assertThat(AttentionHeatmap.chart(W, TOKENS, "w").getStyler().getMax()).isEqualTo(1.0);
        float[][] dropped = {{2f, 0f}, {0f, 1.4f}};
        HeatMapChart chart = AttentionHeatmap.chart(dropped, List.of("a", "b"), "dropout");
        assertThat(chart.getStyler().getMax()).isEqualTo(2.0);
        assertThat(chart.getStyler().getMin()).isEqualTo(0.0);
    }
}
