package org.llmworkbench.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/** Chart and table helpers refuse empty or mismatched input up front, naming the argument, not deep in XChart. */
class ChartArgumentsTest {

    @Test
    void aScheduleNeedsAtLeastOneStep() {
        assertThatThrownBy(() -> TrainingCharts.schedule("lr", 0, step -> 1e-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schedule: steps is 0; a schedule runs over at least 1 step"
                        + " (give the run's total steps, e.g. epochs × batches per epoch)");
        XYChart one = TrainingCharts.schedule("lr", 1, step -> 1e-3);
        assertThat(one.getSeriesMap().get("lr").getYData()).containsExactly(1e-3);
        assertThat(BitmapEncoder.getBufferedImage(one).getWidth()).isEqualTo(Charts.WIDTH);
    }

    @Test
    void aConfusionMatrixNeedsOneLabelPerRowAndColumn() {
        int[][] counts = {{5, 1}, {2, 7}};
        assertThatThrownBy(() -> ClassificationCharts.confusion(counts, List.of("ham"), "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("confusion: the matrix has 2 rows but 1 labels were given;"
                        + " give one label per class (row r: actual label r, column p: predicted label p)");
        assertThatThrownBy(() -> ClassificationCharts.confusion(new int[][] {{5, 1}, {2}}, List.of("ham", "spam"), "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("confusion: matrix row 1 has 1 columns but 2 labels were given; the matrix must be 2 × 2");
        assertThatThrownBy(() -> ClassificationCharts.confusion(new int[0][0], List.of(), "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("confusion: no labels were given; give one per class, e.g. List.of(\"ham\", \"spam\")");

        CategoryChart chart = ClassificationCharts.confusion(counts, List.of("ham", "spam"), "c");
        assertThat(List.<Number>copyOf(chart.getSeriesMap().get("predicted spam").getYData())).containsExactly(1, 7);
    }

    @Test
    void temperatureDrawsNeedTokensAndSamplingTemperatures() {
        assertThatThrownBy(() -> DecodingTables.temperatureDraws(new String[0], new float[0], new double[] {1}, 10, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperatureDraws: no tokens; give at least one token name and its logit");
        String[] tokens = {"a", "b"};
        float[] logits = {2f, 1f};
        assertThatThrownBy(() -> DecodingTables.temperatureDraws(tokens, logits, new double[] {1, 0}, 10, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperatureDraws: temperature 0 is greedy decoding (every draw is the most likely token),"
                        + " not a sampling temperature; give temperatures above 0, e.g. 0.1, 1, 5");
        assertThatThrownBy(() -> DecodingTables.temperatureDraws(tokens, logits, new double[] {-1}, 10, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperatureDraws: temperature -1.0 must be above 0, e.g. 0.1, 1, 5");

        Table table = DecodingTables.temperatureDraws(tokens, logits, new double[] {1}, 10, 1);
        assertThat(table.intColumn("T=1.0").sum()).isEqualTo(10.0);
    }
}
