package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LiveTrainingTest {
    @Test
    void theLiveChartNamesItsLoss() {
        assertThat(LiveTraining.show().lossChart().getYAxisTitle()).isEqualTo("cross-entropy");
        assertThat(LiveTraining.show("DPO loss").lossChart().getYAxisTitle()).isEqualTo("DPO loss");
        assertThatThrownBy(() -> LiveTraining.show("")).isInstanceOf(IllegalArgumentException.class);
    }
}
