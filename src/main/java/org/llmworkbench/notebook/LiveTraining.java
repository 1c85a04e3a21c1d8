package org.llmworkbench.notebook;

import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.TrainingListener;
import org.knowm.xchart.XYChart;
import org.llmworkbench.viz.TrainingCharts;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A training run in a notebook cell: one loss chart (train vs validation) and one status line,
 * both redrawn in place through display handles, instead of thousands of printed lines. The chart
 * is redrawn at evaluations and at most every two seconds; the status line at most twice a second.
 *
 * <pre>{@code run.trainer(model, dir, null, LiveTraining.show()).run();}</pre>
 */
public final class LiveTraining implements TrainingListener {
    private static final long CHART_EVERY_NANOS = 2_000_000_000L;
    private static final long STATUS_EVERY_NANOS = 500_000_000L;

    private final IntColumn step = IntColumn.create("step");
    private final DoubleColumn loss = DoubleColumn.create("loss");
    private final DoubleColumn trainLoss = DoubleColumn.create("train_loss");
    private final DoubleColumn valLoss = DoubleColumn.create("val_loss");
    private final Table table = Table.create("live", step, loss, trainLoss, valLoss);
    private final String id = UUID.randomUUID().toString();
    private DisplayHandle chart;
    private DisplayHandle status;
    private long lastChart;
    private long lastStatus;
    private String lastEval = "";
    private String lastSample = "";
    private final String lossName;

    private LiveTraining(String lossName) {
        this.lossName = lossName;
    }

    /** A listener that draws into the current cell; the y axis says "cross-entropy". */
    public static LiveTraining show() {
        return new LiveTraining("cross-entropy");
    }

    /** The same for another objective, named on the y axis (e.g. "DPO loss"). */
    public static LiveTraining show(String lossName) {
        if (lossName == null || lossName.isBlank()) {
            throw new IllegalArgumentException("LiveTraining.show: name the loss for the y axis, e.g. \"DPO loss\"");
        }
        return new LiveTraining(lossName);
    }

    /** The loss chart as it stands. */
    XYChart lossChart() {
        return TrainingCharts.losses(table, lossName);
    }

    @Override
    public void onStart(Plan plan) {
        chart = Display.display(lossChart(), "chart-" + id);
        status = Display.display(new Html(statusHtml(String.format("training %,d parameters for %,d steps%s",
                plan.trainableParameters(), plan.totalSteps(), plan.startStep() > 0 ? ", resuming after step " + plan.startStep() : ""))),
                "status-" + id);
    }

    @Override
    public void onStep(Step s) {
        step.append(Math.toIntExact(s.step()));
        loss.append(s.loss());
        trainLoss.appendMissing();
        valLoss.appendMissing();
        long now = System.nanoTime();
        if (now - lastStatus > STATUS_EVERY_NANOS || s.step() == s.totalSteps()) {
            lastStatus = now;
            status.update(new Html(statusHtml(String.format("step %d / %d · epoch %d · loss %.4f · lr %.2e · %,.0f tokens/s · ETA %s",
                    s.step(), s.totalSteps(), s.epoch() + 1, s.loss(), s.learningRate(), s.tokensPerSecond(), eta(s.etaSeconds())))));
        }
        if (now - lastChart > CHART_EVERY_NANOS) redraw(now);
    }

    @Override
    public void onEval(Eval e) {
        int row = table.rowCount() - 1;
        if (row < 0 || step.getInt(row) != e.step()) {
            step.append(Math.toIntExact(e.step()));
            loss.appendMissing();
            trainLoss.append(e.trainLoss());
            valLoss.append(e.valLoss());
        } else {
            trainLoss.set(row, e.trainLoss());
            valLoss.set(row, e.valLoss());
        }
        lastEval = String.format("step %d: train %.3f, val %.3f", e.step(), e.trainLoss(), e.valLoss());
        redraw(System.nanoTime());
    }

    @Override
    public void onSample(long s, String text) {
        lastSample = "step " + s + ": " + text;
    }

    @Override
    public void onCheckpoint(long s, Path json) {
        lastEval = lastEval + " · checkpoint " + json.getFileName();
    }

    @Override
    public void onEnd(TrainResult r) {
        redraw(System.nanoTime());
        status.update(new Html(statusHtml(String.format("%s after %d steps · %,d tokens · %.1f s · %,.0f tokens/s",
                r.stopped() ? "stopped" : "done", r.steps(), r.tokens(), r.wallSeconds(), r.tokensPerSecond()))));
    }

    private void redraw(long now) {
        lastChart = now;
        if (chart != null) chart.update(lossChart());
    }

    private String statusHtml(String line) {
        StringBuilder sb = new StringBuilder("<div style=\"font-family:monospace\">").append(escape(line));
        if (!lastEval.isEmpty()) sb.append("<br>").append(escape(lastEval));
        if (!lastSample.isEmpty()) sb.append("<br><i>").append(escape(lastSample)).append("</i>");
        return sb.append("</div>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "⏎");
    }

    private static String eta(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return String.format("%dm%02ds", s / 60, s % 60);
    }
}
