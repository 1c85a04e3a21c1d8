package org.llmworkbench.viz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.text.Tokenizers;
import org.llmworkbench.text.BpeTrainer;
import org.llmworkbench.text.RegexWordTokenizer;
import org.llmworkbench.text.Tokenizer;
import tech.tablesaw.api.Table;

class TokenChartsTest {

    static String verdict;
    static BpeTokenizer gpt2;
    static BpeTokenizer trained;

    @BeforeAll
    static void setUp() throws IOException {
        verdict = Files.readString(Datasets.resolve("the-verdict"));
        gpt2 = Tokenizers.gpt2();
        trained = new BpeTrainer(BpeTrainer.Config.of(700)).train(verdict);
    }

    @Test
    void idTableShowsTokensWithVisibleSpaces() {
        int[] ids = gpt2.encode("Hello, do you", Set.of());
        Table t = idTable(ids);
        assertThat(t.rowCount()).isEqualTo(4);
        assertThat(t.intColumn("id").asList()).containsExactly(15496, 11, 466, 345);
        assertThat(t.stringColumn("token").asList()).containsExactly("Hello", ",", "\u2423do", "\u2423you");
        assertThat(t.intColumn("bytes").asList()).containsExactly(5, 1, 3, 4);
    }

    private static Table idTable(int[] ids) {
        return TokenCharts.idTable("ids", gpt2, ids);
    }

    @Test
    void comparisonTableCountsTokens() {
        Map<String, Tokenizer> toks = new LinkedHashMap<>();
        toks.put("GPT-2", gpt2);
        toks.put("words v2", RegexWordTokenizer.v2(verdict));
        Table t = TokenCharts.comparisonTable("cmp", toks, Map.of("the-verdict", verdict));
        assertThat(t.intColumn("tokens").asList()).containsExactly(5145, 4690);
        assertThat(t.intColumn("vocabulary").asList()).containsExactly(50257, 1132);
        assertThat(t.doubleColumn("bytes/token").get(0)).isCloseTo(20479 / 5145.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void mergeTableAndVocabularyTable() {
        Table merges = TokenCharts.mergeTable("merges", trained, 3);
        assertThat(merges.rowCount()).isEqualTo(3);
        assertThat(merges.stringColumn("new token").get(0)).isEqualTo("\u2423t");
        Table vocab = TokenCharts.vocabularyTable("v", RegexWordTokenizer.v1(verdict), 0, 3);
        assertThat(vocab.stringColumn("token").asList()).containsExactly("!", "\"", "'");
    }

    @Test
    void histogramSharesAddUpAndChartsRender() throws IOException {
        CategoryChart hist = TokenCharts.tokenLengthHistogram("lengths", Map.of("GPT-2", gpt2, "trained", trained), verdict);
        for (CategorySeries s : hist.getSeriesMap().values()) {
            double sum = 0;
            for (Number y : s.getYData()) sum += y.doubleValue();
            assertThat(sum).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-6));
        }
        byte[] png = BitmapEncoder.getBitmapBytes(hist, BitmapEncoder.BitmapFormat.PNG);
        assertThat(png.length).isGreaterThan(1000);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void compressionWithoutVocabularySizesIsRefusedUpFront() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TokenCharts.compressionVsVocabularySize("c", trained, verdict, new int[0], Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compressionVsVocabularySize: vocabSizes is empty; give the sizes to measure, e.g. new int[] {257, 400, 700, "
                        + trained.vocabSize() + "}");
    }

    @Test
    void compressionGrowsWithVocabularySize() throws IOException {
        XYChart chart = TokenCharts.compressionVsVocabularySize("c", trained, verdict, new int[] {257, 400, 700}, Map.of("GPT-2", gpt2));
        double[] y = chart.getSeriesMap().get(trained.name() + " (trained)").getYData();
        assertThat(y[0]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9)); // bytes only: one byte per token
        assertThat(y[1]).isGreaterThan(y[0]);
        assertThat(y[2]).isGreaterThan(y[1]);
        assertThat(chart.getSeriesMap().get("GPT-2").getYData()[0]).isCloseTo(20479 / 5145.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG).length).isGreaterThan(1000);
    }

    @Test
    void windowTablePairsInputsWithTargets() {
        int[] ids = gpt2.encode("In the sunlit terraces of the palace");
        Table t = TokenCharts.windowTable("w", gpt2, List.of(new int[] {ids[0], ids[1]}), List.of(new int[] {ids[1], ids[2]}));
        assertThat(t.stringColumn("input text").get(0)).isEqualTo("In\u2423the");
        assertThat(t.stringColumn("input ids").get(0)).isEqualTo("[818, 262]");
        assertThat(t.stringColumn("target text").get(0)).isEqualTo("\u2423the\u2423sun");
    }
}
