package org.llmworkbench.viz;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;
import org.llmworkbench.eval.ResponseEvaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Charts of evaluation results: one bar per model per metric, and how a metric's scores spread. */
public final class EvalCharts {
    private EvalCharts() {}

    /** Grouped bars: x = metric, one series per model. Only the given figure keys, all on one 0–1 or 0–100 axis. */
    public static CategoryChart metricBars(String title, List<ResponseEvaluation.Summary> summaries, List<String> figures) {
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("metricBars: no summaries were given; give one ResponseEvaluation summary per model");
        }
        if (figures.isEmpty()) {
            throw new IllegalArgumentException("metricBars: no figures were given; name the ones to draw, e.g. "
                    + new java.util.TreeSet<>(summaries.get(0).figures().keySet()));
        }
        for (String f : figures) {
            if (summaries.stream().noneMatch(s -> s.figures().containsKey(f))) {
                throw new IllegalArgumentException("metricBars: no summary has a figure '" + f + "'; they have "
                        + new java.util.TreeSet<>(summaries.get(0).figures().keySet()));
            }
        }
        CategoryChart chart = Charts.bars(title, "metric", "score");
        // below the plot: model names are long, and beside it they left the metric names too little room to be read
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        for (ResponseEvaluation.Summary s : summaries) {
            List<Double> values = new ArrayList<>();
            for (String f : figures) values.add(s.figures().getOrDefault(f, 0.0));
            chart.addSeries(s.model(), figures, values);
        }
        return chart;
    }

    /** A histogram per model of per-answer scores in [lo, hi], {@code bins} equal bins (NaN scores left out). */
    public static CategoryChart distribution(String title, String metric, Map<String, double[]> scores,
                                             double lo, double hi, int bins) {
        if (bins < 1 || !(hi > lo)) throw new IllegalArgumentException("need bins >= 1 and hi > lo");
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("distribution: no scores were given; give each model's per-answer " + metric + " scores");
        }
        CategoryChart chart = Charts.bars(title, metric + " (each bar: from this value to the next)", "answers");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // long model names: below, not beside
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double from = lo + (hi - lo) * b / bins;
            labels.add(from == Math.rint(from) && hi - lo >= bins ? String.format("%.0f", from) : String.format("%.2f", from));
        }
        scores.forEach((model, values) -> {
            List<Integer> counts = new ArrayList<>();
            for (int b = 0; b < bins; b++) counts.add(0);
            for (double v : values) {
                if (Double.isNaN(v)) continue;
                int b = (int) Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / (hi - lo) * bins)));
                counts.set(b, counts.get(b) + 1);
            }
            chart.addSeries(model, labels, counts);
        });
        return chart;
    }
}
