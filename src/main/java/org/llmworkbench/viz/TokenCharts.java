package org.llmworkbench.viz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.text.Tokenizer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Charts and tables for the tokenization notebook: what tokens look like, how long they are, and how
 * much text each one carries. Everything returns an XChart chart or a Tablesaw table, which the
 * notebook's {@code display} renders.
 */
public final class TokenCharts {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    private static final int LONGEST_BUCKET = 16;

    private TokenCharts() {}

    // ---------------------------------------------------------------------------------------------
    // Measures

    /** UTF-8 bytes of one token (special tokens: their spelling). */
    public static int tokenLength(Tokenizer tokenizer, int id) {
        return tokenizer.tokenBytes(id).length;
    }

    /** Compression: UTF-8 bytes of the text per token. Higher means each token carries more text. */
    public static double bytesPerToken(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encodeAllowingAllSpecial(text);
        return ids.length == 0 ? 0 : text.getBytes(StandardCharsets.UTF_8).length / (double) ids.length;
    }

    private static String tokenText(Tokenizer tokenizer, int id) {
        return Tokenizer.visible(tokenizer.token(id));
    }

    // ---------------------------------------------------------------------------------------------
    // Tables

    /** One row per id: position, id, the token's text (spaces shown as ␣) and its length in bytes. */
    public static Table idTable(String title, Tokenizer tokenizer, int[] ids) {
        IntColumn pos = IntColumn.create("position");
        IntColumn id = IntColumn.create("id");
        StringColumn text = StringColumn.create("token");
        IntColumn len = IntColumn.create("bytes");
        for (int i = 0; i < ids.length; i++) {
            pos.append(i);
            id.append(ids[i]);
            text.append(tokenText(tokenizer, ids[i]));
            len.append(tokenLength(tokenizer, ids[i]));
        }
        return Table.create(title, pos, id, text, len);
    }

    /** Ids {@code from..to-1} of the vocabulary with their tokens. */
    public static Table vocabularyTable(String title, Tokenizer tokenizer, int from, int to) {
        IntColumn id = IntColumn.create("id");
        StringColumn text = StringColumn.create("token");
        for (int i = Math.max(0, from); i < Math.min(to, tokenizer.vocabSize()); i++) {
            id.append(i);
            text.append(tokenText(tokenizer, i));
        }
        return Table.create(title, id, text);
    }

    /** The first {@code count} merges of a trained BPE: new id = left + right. */
    public static Table mergeTable(String title, BpeTokenizer bpe, int count) {
        int[][] merges = bpe.merges();
        if (merges == null) throw new IllegalArgumentException(bpe.name() + " has no merge list (only trained tokenizers do)");
        IntColumn id = IntColumn.create("new id");
        StringColumn left = StringColumn.create("left");
        StringColumn right = StringColumn.create("right");
        StringColumn merged = StringColumn.create("new token");
        for (int k = 0; k < Math.min(count, merges.length); k++) {
            id.append(256 + k);
            left.append(tokenText(bpe, merges[k][0]));
            right.append(tokenText(bpe, merges[k][1]));
            merged.append(tokenText(bpe, 256 + k));
        }
        return Table.create(title, id, left, right, merged);
    }

    /** For each tokenizer (rows) and text: vocabulary size, tokens and bytes per token. */
    public static Table comparisonTable(String title, Map<String, ? extends Tokenizer> tokenizers, Map<String, String> texts) {
        StringColumn tok = StringColumn.create("tokenizer");
        IntColumn vocab = IntColumn.create("vocabulary");
        StringColumn textName = StringColumn.create("text");
        IntColumn tokens = IntColumn.create("tokens");
        DoubleColumn bpt = DoubleColumn.create("bytes/token");
        for (Map.Entry<String, ? extends Tokenizer> t : tokenizers.entrySet()) {
            for (Map.Entry<String, String> x : texts.entrySet()) {
                int n = t.getValue().encodeAllowingAllSpecial(x.getValue()).length;
                tok.append(t.getKey());
                vocab.append(t.getValue().vocabSize());
                textName.append(x.getKey());
                tokens.append(n);
                bpt.append(Math.round(1000.0 * x.getValue().getBytes(StandardCharsets.UTF_8).length / n) / 1000.0);
            }
        }
        return Table.create(title, tok, vocab, textName, tokens, bpt);
    }

    /** Sliding windows of an id sequence: each input and its target (the input shifted by one), ids and text. */
    public static Table windowTable(String title, Tokenizer tokenizer, List<int[]> inputs, List<int[]> targets) {
        if (inputs.size() != targets.size()) {
            throw new IllegalArgumentException("inputs and targets must pair up, got " + inputs.size() + " and " + targets.size());
        }
        IntColumn window = IntColumn.create("window");
        StringColumn inIds = StringColumn.create("input ids");
        StringColumn outIds = StringColumn.create("target ids");
        StringColumn inText = StringColumn.create("input text");
        StringColumn outText = StringColumn.create("target text");
        for (int i = 0; i < inputs.size(); i++) {
            window.append(i);
            inIds.append(Arrays.toString(inputs.get(i)));
            outIds.append(Arrays.toString(targets.get(i)));
            inText.append(Tokenizer.visible(tokenizer.decode(inputs.get(i))));
            outText.append(Tokenizer.visible(tokenizer.decode(targets.get(i))));
        }
        return Table.create(title, window, inIds, outIds, inText, outText);
    }

    // ---------------------------------------------------------------------------------------------
    // Charts

    /**
     * How long the tokens of a text are, in bytes, one bar series per tokenizer (share of tokens,
     * so tokenizers with different token counts compare). The last bucket holds 16 bytes and longer.
     */
    public static CategoryChart tokenLengthHistogram(String title, Map<String, ? extends Tokenizer> tokenizers, String text) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("token length (bytes)").yAxisTitle("share of tokens (%)").build();
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        List<String> buckets = new ArrayList<>();
        for (int b = 1; b <= LONGEST_BUCKET; b++) buckets.add(b == LONGEST_BUCKET ? LONGEST_BUCKET + "+" : String.valueOf(b));
        for (Map.Entry<String, ? extends Tokenizer> t : tokenizers.entrySet()) {
            int[] ids = t.getValue().encodeAllowingAllSpecial(text);
            double[] counts = new double[LONGEST_BUCKET];
            for (int id : ids) counts[Math.min(LONGEST_BUCKET, Math.max(1, tokenLength(t.getValue(), id))) - 1]++;
            List<Double> share = new ArrayList<>();
            for (double c : counts) share.add(ids.length == 0 ? 0 : 100.0 * c / ids.length);
            chart.addSeries(t.getKey(), buckets, share);
        }
        return chart;
    }

    /**
     * Compression against vocabulary size for a trained BPE: the tokenizer is cut down to each size
     * (its first merges, exactly what training to that size gives) and measured on {@code text}.
     * Optional reference tokenizers (GPT-2) appear as single points.
     */
    public static XYChart compressionVsVocabularySize(String title, BpeTokenizer trained, String text, int[] vocabSizes,
                                                      Map<String, ? extends Tokenizer> references) {
        if (vocabSizes.length == 0) {
            throw new IllegalArgumentException("compressionVsVocabularySize: vocabSizes is empty; give the sizes to measure,"
                    + " e.g. new int[] {257, 400, 700, " + trained.vocabSize() + "}");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("vocabulary size").yAxisTitle("bytes per token").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        double[] x = new double[vocabSizes.length];
        double[] y = new double[vocabSizes.length];
        for (int i = 0; i < vocabSizes.length; i++) {
            x[i] = vocabSizes[i];
            y[i] = bytesPerToken(vocabSizes[i] == trained.vocabSize() ? trained : trained.truncate(vocabSizes[i]), text);
        }
        chart.addSeries(trained.name() + " (trained)", x, y).setMarker(SeriesMarkers.CIRCLE);
        for (Map.Entry<String, ? extends Tokenizer> r : references.entrySet()) {
            chart.addSeries(r.getKey(), new double[] {r.getValue().vocabSize()}, new double[] {bytesPerToken(r.getValue(), text)})
                    .setMarker(SeriesMarkers.DIAMOND);
        }
        return chart;
    }

    /** Bytes per token of several tokenizers on several texts, grouped by text. */
    public static CategoryChart compressionBars(String title, Map<String, ? extends Tokenizer> tokenizers, Map<String, String> texts) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("text").yAxisTitle("bytes per token").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        List<String> names = new ArrayList<>(texts.keySet());
        for (Map.Entry<String, ? extends Tokenizer> t : tokenizers.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String name : names) ys.add(bytesPerToken(t.getValue(), texts.get(name)));
            chart.addSeries(t.getKey(), names, ys);
        }
        return chart;
    }
}
