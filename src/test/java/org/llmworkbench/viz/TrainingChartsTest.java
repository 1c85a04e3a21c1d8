package org.llmworkbench.viz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class TrainingChartsTest {
    /** A pretraining run's metrics as the trainer writes them: step losses, evaluations every 18 steps. */
    private static Table metrics() {
        IntColumn step = IntColumn.create("step");
        DoubleColumn loss = DoubleColumn.create("loss");
        DoubleColumn trainLoss = DoubleColumn.create("train_loss");
        DoubleColumn valLoss = DoubleColumn.create("val_loss");
        DoubleColumn gradNorm = DoubleColumn.create("grad_norm");
        for (int s = 0; s <= 288; s++) {
            step.append(s);
            if (s == 0) {
                loss.appendMissing();
                gradNorm.appendMissing();
            } else {
                loss.append(0.5 + 10.4 * Math.exp(-s / 80.0));
                gradNorm.append(s == 38 ? 22 : 2.5);
            }
            if (s % 18 == 0) {
                trainLoss.append(10.88 * Math.exp(-s / 80.0));
                valLoss.append(s == 0 ? 10.86 : 6.0 + Math.abs(s - 150) / 300.0);
            } else {
                trainLoss.appendMissing();
                valLoss.appendMissing();
            }
        }
        return Table.create("metrics", step, loss, trainLoss, valLoss, gradNorm);
    }

    @Test
    void theLossChartsLegendDoesNotCoverTheUntrainedLoss() {
        var chart = TrainingCharts.losses(metrics());
        // the curves start at the top left (10.9 at step 0), where the house style puts its legend
        assertThat(chart.getSeriesMap().get("validation").getYData()[0]).isEqualTo(10.86);
        assertThat(chart.getStyler().getLegendPosition()).isEqualTo(Styler.LegendPosition.OutsideE);
        assertThat(TrainingCharts.gradientNorm(metrics(), 1.0).getStyler().getLegendPosition())
                .isEqualTo(Styler.LegendPosition.OutsideE);
    }

    @Test
    void theEvaluationsTableShowsReadableNumbers() {
        Table m = metrics();
        m.addColumns(DoubleColumn.create("lr", m.rowCount()).fillWith(5e-4),
                DoubleColumn.create("tokens_per_s", m.rowCount()).fillWith(299.11524248688795));
        Table t = TrainingCharts.evaluations(m);
        assertThat(t.rowCount()).isEqualTo(17); // steps 0, 18, …, 288
        assertThat(t.intColumn("step").get(1)).isEqualTo(18);
        assertThat(t.column("val_loss").getString(0)).isEqualTo("10.860");
        assertThat(t.column("train_loss").getString(1)).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", 10.88 * Math.exp(-18 / 80.0)));
        assertThat(t.column("lr").getString(1)).isEqualTo("5.00E-4");
        assertThat(t.column("grad_norm").getString(1)).isEqualTo("2.50");
        assertThat(t.column("tokens_per_s").getString(1)).isEqualTo("299");
        assertThat(t.print()).doesNotContain("299.115", "10.8600000");
        assertThat(t.doubleColumn("tokens_per_s").get(1)).isEqualTo(299.11524248688795); // the values keep every digit
    }

    @Test
    void theLossAxisNamesTheLoss() {
        assertThat(TrainingCharts.losses(metrics()).getYAxisTitle()).isEqualTo("cross-entropy");
        // 07's DPO run: its "loss" is −log σ(β·…), not a cross-entropy
        assertThat(TrainingCharts.losses(metrics(), "DPO loss").getYAxisTitle()).isEqualTo("DPO loss");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingCharts.losses(metrics(), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name the loss");
    }

    /** The x axis' tick labels XChart computed when it drew {@code chart} (XChart keeps them package-private). */
    static java.util.List<String> xTickLabels(org.knowm.xchart.XYChart chart) throws Exception {
        org.knowm.xchart.BitmapEncoder.getBufferedImage(chart);
        var getAxisPair = org.knowm.xchart.internal.chartpart.Chart.class.getDeclaredMethod("getAxisPair");
        getAxisPair.setAccessible(true);
        var pair = (org.knowm.xchart.internal.chartpart.AxisPair<?, ?>) getAxisPair.invoke(chart);
        return pair.getXAxis().getAxisTickCalculator().getTickLabels();
    }

    @Test
    void stepAxesGetRoundTicksNotEveryFourteenthStep() throws Exception {
        // 04's run: 288 steps; XChart labelled 0, 14, 28, … 280, the labels touching ("112126140154")
        for (var chart : java.util.List.of(TrainingCharts.losses(metrics()), TrainingCharts.gradientNorm(metrics(), 1.0),
                TrainingCharts.schedule("s", 288, s -> 1e-3))) {
            java.util.List<String> labels = xTickLabels(chart);
            assertThat(labels).as(chart.getTitle()).hasSizeBetween(3, 10).allSatisfy(l ->
                    assertThat(Double.parseDouble(l.replace(",", "")) % 50).as(l).isZero());
            // the hidden point that makes this so has no legend entry and leaves the y range alone
            assertThat(chart.getSeriesMap().values()).filteredOn(s -> !s.isShowInLegend()).hasSize(1);
        }
        assertThat(xTickLabels(TrainingCharts.losses(metrics()))).contains("0", "100", "200");
    }
}
