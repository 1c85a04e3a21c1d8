package org.llmworkbench.viz;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Charts of a training run's metrics table ({@code step, tokens, loss, lr, grad_norm, train_loss,
 * val_loss}, as the trainer writes it): the loss curves the book draws after chapter 5's training,
 * and the learning-rate schedule of appendix D.
 */
public final class TrainingCharts {
    private TrainingCharts() {}

    /**
     * Per-step training loss (thin), and at evaluations the mean train and validation losses. The legend sits
     * outside the plot, on the right: a loss curve starts in the top-left corner, where the house style's legend
     * would hide the untrained loss.
     */
    public static XYChart losses(Table metrics) {
        return losses(metrics, "cross-entropy");
    }

    /** The same for a loss that is not the next-token cross-entropy, named on the y axis (e.g. "DPO loss"). */
    public static XYChart losses(Table metrics, String lossName) {
        if (lossName == null || lossName.isBlank()) {
            throw new IllegalArgumentException("losses: name the loss for the y axis, e.g. \"cross-entropy\" or \"DPO loss\"");
        }
        XYChart chart = Charts.line("Loss", "step", lossName);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        double[][] step = points(metrics, "loss");
        if (step[0].length > 0) {
            XYSeries s = Charts.addLine(chart, "train (step)", step[0], step[1]);
            s.setLineWidth(1f);
            s.setLineColor(new java.awt.Color(0x9E, 0xC5, 0xE8));
        }
        double[][] train = points(metrics, "train_loss");
        double[][] val = points(metrics, "val_loss");
        if (train[0].length > 0) Charts.addLine(chart, "train", train[0], train[1]).setMarker(SeriesMarkers.CIRCLE);
        if (val[0].length > 0) Charts.addLine(chart, "validation", val[0], val[1]).setMarker(SeriesMarkers.CIRCLE);
        if (chart.getSeriesMap().isEmpty()) Charts.addLine(chart, "no steps yet", new double[] {0}, new double[] {0});
        return Charts.roundXTicks(chart);
    }

    /**
     * The rows of a metrics table that have a validation loss (the evaluations), with readable numbers: losses to
     * three decimals, the learning rate in scientific notation, the gradient norm to two decimals and tokens/s whole
     * (the table itself keeps every digit; only its printing and HTML are rounded).
     */
    public static Table evaluations(Table metrics) {
        Table t = metrics.where(metrics.doubleColumn("val_loss").isNotMissing());
        t.setName("evaluations");
        var symbols = java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT);
        for (String name : t.columnNames()) {
            if (!(t.column(name) instanceof tech.tablesaw.api.DoubleColumn d)) continue;
            String pattern = switch (name) {
                case "lr" -> "0.00E0";
                case "grad_norm" -> "0.00";
                case "tokens_per_s" -> "#,##0";
                default -> "0.000";
            };
            d.setPrintFormatter(new java.text.DecimalFormat(pattern, symbols), "");
        }
        return t;
    }

    /** The learning rate of every step. */
    public static XYChart learningRate(Table metrics) {
        XYChart chart = Charts.line("Learning rate", "step", "lr");
        chart.getStyler().setYAxisDecimalPattern("0.0E0");
        double[][] lr = points(metrics, "lr");
        Charts.addLine(chart, "lr", lr[0].length == 0 ? new double[] {0} : lr[0], lr[1].length == 0 ? new double[] {0} : lr[1]);
        return Charts.roundXTicks(chart);
    }

    /** The gradient norm before clipping, and the clipping threshold when there is one (0: none). */
    public static XYChart gradientNorm(Table metrics, double clipNorm) {
        XYChart chart = Charts.line("Gradient norm (before clipping)", "step", "global L2 norm");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE); // early spikes sit top-left
        double[][] g = points(metrics, "grad_norm");
        if (g[0].length == 0) g = new double[][] {{0}, {0}};
        Charts.addLine(chart, "grad norm", g[0], g[1]);
        if (clipNorm > 0) {
            Charts.addLine(chart, "clip at " + clipNorm, new double[] {g[0][0], g[0][g[0].length - 1]}, new double[] {clipNorm, clipNorm});
        }
        return Charts.roundXTicks(chart);
    }

    /** A learning-rate schedule over {@code steps} steps, drawn before any training. */
    public static XYChart schedule(String title, long steps, DoubleUnaryOperator lrAtStep) {
        if (steps < 1) {
            throw new IllegalArgumentException("schedule: steps is " + steps + "; a schedule runs over at least 1 step"
                    + " (give the run's total steps, e.g. epochs × batches per epoch)");
        }
        XYChart chart = Charts.line(title, "step", "lr");
        chart.getStyler().setYAxisDecimalPattern("0.0E0");
        int n = (int) Math.min(steps, 2000);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (double) i * steps / n;
            y[i] = lrAtStep.applyAsDouble(x[i]);
        }
        Charts.addLine(chart, "lr", x, y);
        return Charts.roundXTicks(chart);
    }

    /** (step, value) for the rows where {@code column} has a value. */
    static double[][] points(Table metrics, String column) {
        List<double[]> pts = new ArrayList<>();
        var values = metrics.doubleColumn(column);
        var steps = metrics.intColumn("step");
        for (int r = 0; r < metrics.rowCount(); r++) {
            double v = values.getDouble(r);
            if (!Double.isNaN(v)) pts.add(new double[] {steps.getInt(r), v});
        }
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }
}
