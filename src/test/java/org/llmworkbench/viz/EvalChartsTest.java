package org.llmworkbench.viz;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.llmworkbench.eval.ResponseEvaluation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvalChartsTest {

    @Test
    void distributionCountsEveryScoredAnswerOnceInItsBin() {
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put("tuned", new double[] {0.0, 0.05, 0.55, 1.0, Double.NaN});
        CategoryChart chart = EvalCharts.distribution("t", "ROUGE-L", scores, 0, 1, 10);
        List<? extends Number> counts = List.copyOf(chart.getSeriesMap().get("tuned").getYData());
        assertThat(counts).hasSize(10);
        assertThat(counts.get(0).intValue()).isEqualTo(2);
        assertThat(counts.get(5).intValue()).isEqualTo(1);
        assertThat(counts.get(9).intValue()).as("1.0 falls in the last bin").isEqualTo(1);
        assertThat(counts.stream().mapToInt(Number::intValue).sum()).isEqualTo(4);
    }

    @Test
    void noModelsOrNoFiguresAreRefusedUpFront() {
        assertThatThrownBy(() -> EvalCharts.metricBars("none", List.of(), List.of("rouge1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metricBars: no summaries were given; give one ResponseEvaluation summary per model");
        var a = new ResponseEvaluation.Summary("a.json", "base", 3, Map.of("token_f1", 0.3, "rougeL_f1", 0.2));
        assertThatThrownBy(() -> EvalCharts.metricBars("none", List.of(a), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metricBars: no figures were given; name the ones to draw, e.g. [rougeL_f1, token_f1]");
        assertThatThrownBy(() -> EvalCharts.metricBars("typo", List.of(a), List.of("rougeL_f1", "rougeL")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metricBars: no summary has a figure 'rougeL'; they have [rougeL_f1, token_f1]");
        assertThatThrownBy(() -> EvalCharts.distribution("none", "ROUGE-L", Map.of(), 0, 1, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("distribution: no scores were given; give each model's per-answer ROUGE-L scores");
    }

    @Test
    void metricBarsHaveOneSeriesPerModel() {
        var a = new ResponseEvaluation.Summary("a.json", "base", 3, Map.of("rougeL_f1", 0.2, "token_f1", 0.3));
        var b = new ResponseEvaluation.Summary("b.json", "tuned", 3, Map.of("rougeL_f1", 0.6, "token_f1", 0.7));
        CategoryChart chart = EvalCharts.metricBars("t", List.of(a, b), List.of("rougeL_f1", "token_f1"));
        assertThat(chart.getSeriesMap().keySet()).containsExactly("base", "tuned");
        List<Number> tuned = List.copyOf(chart.getSeriesMap().get("tuned").getYData());
        assertThat(tuned).containsExactly(0.6, 0.7);
    }

    @Test
    void longModelNamesGoBelowThePlotSoTheMetricNamesCanBeRead() {
        // 08's two models: beside the plot their names took half the width and the five metric names ran together
        var a = new ResponseEvaluation.Summary("a.json", "workshop-base+instruct-workshop", 110, Map.of("rougeL_f1", 0.16));
        var b = new ResponseEvaluation.Summary("b.json", "workshop-base+instruct-workshop+dpo", 110, Map.of("rougeL_f1", 0.16));
        CategoryChart chart = EvalCharts.metricBars("t", List.of(a, b), List.of("rougeL_f1"));
        assertThat(chart.getStyler().getLegendPosition()).isEqualTo(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        var spread = EvalCharts.distribution("d", "ROUGE-L", Map.of("workshop-base+instruct-workshop", new double[] {0.1, 0.5}), 0, 1, 10);
        assertThat(spread.getStyler().getLegendPosition()).isEqualTo(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    }
}
