package org.llmworkbench.viz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.style.Styler;

class ClassificationChartsTest {
    @Test
    void theConfusionChartsLegendSitsBesideThePlotNotOnTheTallestBar() {
        // 05's test set: 136 ham right, 155 spam right; inside the plot's top right the legend hid the 155 bar
        var chart = ClassificationCharts.confusion(new int[][] {{136, 4}, {5, 155}}, List.of("ham", "spam"), "Test set: confusion");
        assertThat(chart.getSeriesMap()).containsOnlyKeys("predicted ham", "predicted spam");
        assertThat(List.<Object>copyOf(chart.getSeriesMap().get("predicted spam").getYData())).containsExactly(4, 155);
        assertThat(chart.getStyler().getLegendPosition()).isEqualTo(Styler.LegendPosition.OutsideE);
    }
}
