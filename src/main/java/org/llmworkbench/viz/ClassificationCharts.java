package org.llmworkbench.viz;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/** Charts of a classifier: accuracy per epoch, and the confusion matrix as grouped bars. */
public final class ClassificationCharts {
    private ClassificationCharts() {}

    /** Train and validation accuracy from a table with {@code epoch, train_accuracy, val_accuracy}. */
    public static XYChart accuracy(Table perEpoch) {
        XYChart chart = Charts.line("Accuracy", "epoch", "accuracy");
        double[] epoch = perEpoch.intColumn("epoch").asDoubleArray();
        if (epoch.length == 0) {
            Charts.addLine(chart, "no epochs yet", new double[] {0}, new double[] {0});
            return chart;
        }
        Charts.addLine(chart, "train", epoch, perEpoch.doubleColumn("train_accuracy").asDoubleArray()).setMarker(SeriesMarkers.CIRCLE);
        Charts.addLine(chart, "validation", epoch, perEpoch.doubleColumn("val_accuracy").asDoubleArray()).setMarker(SeriesMarkers.CIRCLE);
        return chart;
    }

    /** One group of bars per actual label, one bar per predicted label: the diagonal is what was right. */
    public static CategoryChart confusion(int[][] counts, List<String> labels, String title) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("confusion: no labels were given; give one per class, e.g. List.of(\"ham\", \"spam\")");
        }
        if (counts.length != labels.size()) {
            throw new IllegalArgumentException("confusion: the matrix has " + counts.length + " rows but " + labels.size()
                    + " labels were given; give one label per class (row r: actual label r, column p: predicted label p)");
        }
        for (int r = 0; r < counts.length; r++) {
            if (counts[r].length != labels.size()) {
                throw new IllegalArgumentException("confusion: matrix row " + r + " has " + counts[r].length + " columns but "
                        + labels.size() + " labels were given; the matrix must be " + labels.size() + " × " + labels.size());
            }
        }
        CategoryChart chart = Charts.bars(title, "actual", "messages");
        for (int p = 0; p < labels.size(); p++) {
            List<Integer> values = new ArrayList<>();
            for (int[] row : counts) values.add(row[p]);
            chart.addSeries("predicted " + labels.get(p), labels, values);
        }
        // outside: inside the plot it covered the tallest bar (the right-most class predicted right)
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        return chart;
    }
}
