package org.llmworkbench.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.llmworkbench.model.GptConfig;
import tech.tablesaw.api.Table;

class ModelTablesTest {

    @Test
    void sizesAndPresetsAsTheBookGivesThem() {
        assertThat(ModelTables.bookSize(GptConfig.preset("gpt2-small"))).isEqualTo("621.83 MB");
        Table presets = ModelTables.presets();
        assertThat(presets.stringColumn("preset").get(0)).isEqualTo("gpt2-small");
        assertThat(presets.longColumn("parameters (untied)").get(0)).isEqualTo(163_009_536L);
        Table memory = ModelTables.memory(2, 256);
        assertThat(memory.doubleColumn("weights (MB, as the book)").get(0)).isCloseTo(621.83, org.assertj.core.data.Offset.offset(0.005));
        assertThat(memory.intColumn("tokens").get(0)).isEqualTo(256);
    }

    @Test
    void rowStatisticsAndGradientTables() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, -1, -1, 1, 1}, new Shape(2, 4));
            Table t = ModelTables.rowStatistics("rows", x);
            assertThat(t.doubleColumn("mean").asDoubleArray()).containsExactly(2.5, 0.0);
            assertThat(t.doubleColumn("variance (÷ n)").asDoubleArray()).containsExactly(1.25, 1.0);
            assertThat(t.doubleColumn("variance (÷ n−1)").get(0)).isCloseTo(5 / 3.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThatThrownBy(() -> ModelTables.rowStatistics("bad", m.zeros(new Shape(2, 2, 2)))).hasMessageContaining("[rows, features]");
        }
        Map<String, Double> a = new LinkedHashMap<>(Map.of("layers.0.0.weight", 1e-4));
        assertThat(ModelTables.gradientMeans(a, Map.of("layers.0.0.weight", 0.2)).print()).contains("0.00010000", "0.20000000");
        assertThatThrownBy(() -> ModelTables.gradientMeans(a, Map.of("x", 1.0))).hasMessageContaining("same layers");
    }

    @Test
    void tensorsPrintLikePyTorchWithFourDecimals() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(TensorTables.format(m.create(new float[] {0.95444f, -0.00001f, 1.5f}))).isEqualTo("[0.9544, 0.0000, 1.5000]");
            assertThat(TensorTables.format(m.create(new long[] {40, 367, 2885, 1464}, new Shape(2, 2)))).isEqualTo("[[40, 367],\n [2885, 1464]]");
            Table t = TensorTables.matrix("m", m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)), List.of("a", "b"), List.of("x", "y"));
            assertThat(t.print()).contains("a  |  1.0000  |  2.0000");
            assertThatThrownBy(() -> TensorTables.matrix("m", m.zeros(new Shape(2, 2)), List.of("a"), List.of("x", "y")))
                    .hasMessageContaining("labels (1 rows, 2 columns) must match the tensor's shape (2, 2)");
        }
    }

    @Test
    void windowTablesCountWindowsPerStride() {
        int[] ids = new int[21];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        Table t = WindowTables.strides("s", ids, 4, 1, 2, 4);
        assertThat(t.intColumn("windows").asList()).containsExactly(17, 9, 5);
        assertThat(t.intColumn("ids shared with the next window").asList()).containsExactly(3, 2, 0);
        assertThat(t.stringColumn("first three inputs").get(2)).isEqualTo("[0, 1, 2, 3] [4, 5, 6, 7] [8, 9, 10, 11]");
    }

    @Test
    void perHeadHeatmapsDrawOneMapPerHeadForStackedAndBatchedModules() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<String> tokens = List.of("a", "b", "c");
            NDArray x = org.llmworkbench.model.attention.RandomEmbeddings.of(m, tokens, 4, 1);
            var stacked = new org.llmworkbench.model.attention.MultiHeadAttentionWrapper(m, 4, 2, 3, 0.0, 3, false, 1);
            stacked.forward(x);
            var batched = org.llmworkbench.model.attention.MultiHeadAttention.fromHeads(m, stacked);
            batched.forward(x.expandDims(0));
            var one = AttentionHeatmap.image(stacked.attentionMatrix(0), tokens, "head 0");
            var grid = AttentionHeatmap.heads(stacked, tokens, 2);
            assertThat(grid.getWidth()).isEqualTo(2 * one.getWidth());
            assertThat(grid.getHeight()).isEqualTo(2 * one.getHeight()); // 3 heads in rows of 2
            assertThat(AttentionHeatmap.heads(batched, tokens, 3).getWidth()).isEqualTo(3 * one.getWidth());
        }
    }

    @Test
    void geluVsReluChartHasBothCurves() {
        var chart = BlockCharts.geluVsRelu();
        assertThat(chart.getSeriesMap().keySet()).containsExactly("GELU", "ReLU");
        assertThat(chart.getSeriesMap().get("ReLU").getYData()[0]).isEqualTo(0.0);
    }
}
