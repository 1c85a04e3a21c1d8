package org.llmworkbench.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Expected values are the examples in scikit-learn's documentation of these functions. */
class ClassificationMetricsTest {

    @Test
    void macroAveragesOfScikitLearnsExample() {
        // precision_score / recall_score / f1_score(y_true, y_pred, average='macro')
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 2, 1, 0, 0, 1}, 3);
        assertThat(m.macroPrecision()).isCloseTo(0.2222222222, within(1e-9));
        assertThat(m.macroRecall()).isCloseTo(0.3333333333, within(1e-9));
        assertThat(m.macroF1()).isCloseTo(0.2666666666, within(1e-9));
        assertThat(m.precision(0)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.f1(0)).isCloseTo(0.8, within(1e-12));
        assertThat(m.f1(1)).isZero();
        assertThat(m.accuracy()).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void confusionMatrixRowsAreActualColumnsPredicted() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {2, 0, 2, 2, 0, 1}, new int[] {0, 0, 2, 2, 0, 2}, 3);
        assertThat(m.confusionMatrix()).isDeepEqualTo(new long[][] {{2, 0, 0}, {0, 0, 1}, {1, 0, 2}});
        assertThat(m.count()).isEqualTo(6);
    }

    @Test
    void binaryPositiveClassFigures() {
        // 3 spam caught, 1 missed, 2 ham flagged, 4 ham passed
        boolean[] actual = {true, true, true, true, false, false, false, false, false, false};
        boolean[] predicted = {true, true, true, false, true, true, false, false, false, false};
        ClassificationMetrics m = ClassificationMetrics.binary(actual, predicted);
        assertThat(m.accuracy()).isCloseTo(0.7, within(1e-12));
        assertThat(m.precision(1)).isCloseTo(0.6, within(1e-12));
        assertThat(m.recall(1)).isCloseTo(0.75, within(1e-12));
        assertThat(m.f1(1)).isCloseTo(2 * 0.6 * 0.75 / 1.35, within(1e-12));
    }

    @Test
    void badLabelsAreNamed() {
        assertThatThrownBy(() -> ClassificationMetrics.of(new int[] {0, 3}, new int[] {0, 1}, 2))
                .hasMessageContaining("actual label 3 at index 1");
        assertThatThrownBy(() -> ClassificationMetrics.of(new int[] {0}, new int[] {0, 1}, 2))
                .hasMessageContaining("actual has 1 labels but predicted has 2");
    }
}
