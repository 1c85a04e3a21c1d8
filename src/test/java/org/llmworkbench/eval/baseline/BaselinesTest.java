package org.llmworkbench.eval.baseline;

import org.junit.jupiter.api.Test;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.data.SmsSpam;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

class BaselinesTest {
    static final List<String> TEXTS = List.of("WIN money now", "win a prize, call now", "see you at lunch", "lunch at noon?");
    static final int[] LABELS = {1, 1, 0, 0};

    @Test
    void wordsAreRunsOfTwoOrMoreWordCharactersLowerCased() {
        assertThat(WordCounts.words("Don't WIN £1000, call 0800! I'm ok")).containsExactly("don", "win", "1000", "call", "0800", "ok");
        WordCounts counts = WordCounts.fit(TEXTS);
        assertThat(counts.size()).isEqualTo(10); // a and ? are not words
        WordCounts.SparseRow r = counts.transform(List.of("win WIN lunch unknown")).get(0);
        assertThat(r.ids()).containsExactly(2, 8); // alphabetical from 0: at call lunch money noon now prize see win you
        assertThat(r.values()).containsExactly(1.0, 2.0);
    }

    @Test
    void naiveBayesScoresByLaplaceSmoothedCounts() {
        WordCounts counts = WordCounts.fit(TEXTS);
        List<WordCounts.SparseRow> rows = counts.transform(TEXTS);
        NaiveBayes nb = NaiveBayes.fit(rows, LABELS, 2, counts.size(), 1.0);
        assertThat(nb.predict(rows)).containsExactly(LABELS);
        // "now lunch": spam has 7 words (now twice), ham 6 (lunch twice, at twice):
        // spam: log(3/17) + log(1/17); ham: log(1/16) + log(3/16) -> ham wins by log(17^2/16^2)
        assertThat(nb.predict(counts.transform(List.of("now lunch")))).containsExactly(0);
        assertThat(nb.predict(counts.transform(List.of("now now lunch")))).containsExactly(1);
    }

    @Test
    void logisticRegressionConvergesAndSeparatesTheToyData() {
        WordCounts counts = WordCounts.fit(TEXTS);
        List<WordCounts.SparseRow> rows = counts.transform(TEXTS);
        LogisticRegression lr = LogisticRegression.fit(rows, LABELS, counts.size(), 1.0, 5_000, 1e-6);
        assertThat(lr.steps()).isLessThan(5_000);
        assertThat(lr.predict(rows)).containsExactly(LABELS);
        // with the L2 penalty the fit is not certain: probabilities stay well inside (0, 1)
        assertThat(lr.probability(rows.get(0))).isBetween(0.6, 0.95);
        // symmetric data: an empty message sits at the prior, 0.5
        assertThat(lr.probability(counts.transform(List.of("nothing known")).get(0))).isCloseTo(0.5, within(1e-3));
    }

    @Test
    void onTheBalancedSmsSplitBothBaselinesAreStrong() {
        assumeThat(Datasets.dataDir()).as("WORKBENCH_DATA_DIR points at the real datasets").isNotNull();
        Table t = Baselines.spam(SmsSpam.bookSplit(123));
        assertThat(t.stringColumn("model").asList()).containsExactly("naive Bayes (word counts)", "logistic regression (word counts)");
        for (int r = 0; r < 2; r++) {
            assertThat(t.doubleColumn("test_accuracy").get(r)).isBetween(0.93, 0.995);
            assertThat(t.doubleColumn("train_accuracy").get(r)).isGreaterThan(0.97);
        }
    }

    @Test
    void comparisonTablesPrintPercentagesNotEveryDigit() {
        Table t = Table.create("baselines", tech.tablesaw.api.StringColumn.create("model", "naive Bayes"),
                tech.tablesaw.api.LongColumn.create("parameters_trained", 7654L),
                tech.tablesaw.api.DoubleColumn.create("train_accuracy", 0.9827751196172249),
                tech.tablesaw.api.DoubleColumn.create("val_accuracy", 0.9664429530201343),
                tech.tablesaw.api.DoubleColumn.create("test_accuracy", 0.97),
                tech.tablesaw.api.DoubleColumn.create("seconds", 0.002422072));
        org.llmworkbench.finetune.SpamClassifier.readable(t);
        assertThat(t.column("train_accuracy").getString(0)).isEqualTo("98.28%");
        assertThat(t.column("val_accuracy").getString(0)).isEqualTo("96.64%");
        assertThat(t.column("test_accuracy").getString(0)).isEqualTo("97.00%");
        assertThat(t.column("seconds").getString(0)).isEqualTo("0.002");
        // a row appended later (the notebook appends the GPT's row to the baselines) prints the same way
        Table more = t.copy().append(t);
        assertThat(more.column("test_accuracy").getString(1)).isEqualTo("97.00%");
        assertThat(t.print()).doesNotContain("0.9827751196172249");
        assertThat(t.doubleColumn("train_accuracy").get(0)).isEqualTo(0.9827751196172249);
    }
}
