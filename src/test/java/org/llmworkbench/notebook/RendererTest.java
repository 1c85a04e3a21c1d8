package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

class RendererTest {
    /**
     * A training run's live chart is drawn on the cell's thread; when the stop button's interrupt is
     * already pending there, drawing must leave it pending, or the run never sees it and trains on.
     */
    @Test
    void drawingAChartKeepsAPendingInterrupt() {
        XYChart chart = new XYChartBuilder().width(120).height(80).title("loss").build();
        chart.addSeries("train", new double[] {1, 2, 3}, new double[] {3, 2, 1});
        Thread.currentThread().interrupt();
        DisplayData drawn;
        boolean kept;
        try {
            drawn = Renderer.render(chart);
        } finally {
            kept = Thread.interrupted();
        }
        assertThat(kept).as("the interrupt is still pending after drawing").isTrue();
        assertThat(drawn.data().get("image/png")).isNotEmpty();
        assertThat(drawn.plainText()).isEqualTo("<loss 120x80>");
    }
}
