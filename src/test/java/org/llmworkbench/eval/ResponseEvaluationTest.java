package org.llmworkbench.eval;

import org.llmworkbench.data.ModelResponse;
import org.junit.jupiter.api.Test;
import org.llmworkbench.datasets.Datasets;
import tech.tablesaw.api.Table;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ResponseEvaluationTest {

    @Test
    void thePreferenceDataGivesTwoAnswerSetsScoredAgainstTheReference() throws Exception {
        Map<String, List<ModelResponse>> sets = ResponseSets.fromPreferenceData(
                Datasets.resolve("instruction-data-with-preference"), 5);
        assertThat(sets.keySet()).containsExactly("chosen", "rejected");
        ModelResponse rejected = sets.get("rejected").get(1);
        assertThat(rejected.reference()).isEqualTo("He goes to the park every day.");
        assertThat(rejected.response()).isEqualTo("He goes to the stupid park every single day.");

        var all = EnumSet.allOf(ResponseEvaluation.Metric.class);
        ResponseEvaluation chosen = ResponseEvaluation.of("chosen", sets.get("chosen"), all, false, null);
        ResponseEvaluation worse = ResponseEvaluation.of("rejected", sets.get("rejected"), all, false, null);
        // all 7 reference words appear in order among the 9 of the answer: P = 7/9, R = 1
        assertThat(worse.perResponse("rougeL")[1]).isCloseTo(2 * (7 / 9.0) / (7 / 9.0 + 1), within(1e-12));
        assertThat(chosen.perResponse("rougeL")[1]).isEqualTo(1.0);
        assertThat(chosen.perResponse("em")[1]).isEqualTo(1.0);
        assertThat(chosen.summary().count()).isEqualTo(5);
        assertThat(chosen.summary().figures()).containsKeys("rouge1_f1", "rouge2_f1", "rougeL_f1", "bleu",
                "sentence_bleu_mean", "exact_match", "token_f1").doesNotContainKey("judge_mean");

        Table table = ResponseEvaluation.table(List.of(chosen.summary(), worse.summary()));
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.stringColumn("model").asList()).containsExactly("chosen", "rejected");

        Table differences = ResponseEvaluation.disagreements(chosen, worse, 2);
        assertThat(differences.rowCount()).isEqualTo(2);
        double[] gaps = new double[5];
        for (int i = 0; i < 5; i++) gaps[i] = Math.abs(chosen.perResponse("rougeL")[i] - worse.perResponse("rougeL")[i]);
        double largest = java.util.Arrays.stream(gaps).max().orElseThrow();
        assertThat(Math.abs(differences.doubleColumn(4).get(0) - differences.doubleColumn(5).get(0)))
                .isCloseTo(largest, within(1e-3));
    }

    @Test
    void metricListsAreParsedStrictly() {
        assertThat(ResponseEvaluation.Metric.parse("rouge, em")).containsExactlyInAnyOrder(
                ResponseEvaluation.Metric.ROUGE, ResponseEvaluation.Metric.EM);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResponseEvaluation.Metric.parse(" , "))
                .hasMessageContaining("no metric");
    }
}
