package org.llmworkbench.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DpoResultTableTest {
    @Test
    void theBeforeAndAfterTablePrintsFourDecimalsNotEveryDigit() {
        // 07's workshop run: the policy starts as the reference (ln 2, no reward), then moves a little
        var start = new DpoObjective.Evaluation(0.6931471824645996, 0, 0, 0, 40);
        var trainAfter = new DpoObjective.Evaluation(0.6907839253544807, -0.0023692190647125245, -0.0497835099697113, 0.825, 40);
        var valAfter = new DpoObjective.Evaluation(0.6922507479786872, -0.04372241497039795, -0.06173925995826721, 0.625, 40);
        var t = new DpoTuning.Result(null, null, start, start, trainAfter, valAfter).table();
        assertThat(t.rowCount()).isEqualTo(4);
        assertThat(t.column("loss").getString(0)).isEqualTo("0.6931");
        assertThat(t.column("loss").getString(1)).isEqualTo("0.6908");
        assertThat(t.column("chosen reward").getString(1)).isEqualTo("-0.0024");
        assertThat(t.column("margin").getString(1)).isEqualTo("0.0474");
        assertThat(t.column("margin").getString(3)).isEqualTo("0.0180");
        assertThat(t.column("accuracy").getString(3)).isEqualTo("0.625");
        assertThat(t.print()).doesNotContain("0.6907839253544807", "0.047414290904998775");
        assertThat(t.doubleColumn("loss").get(1)).isEqualTo(0.6907839253544807);
    }
}
