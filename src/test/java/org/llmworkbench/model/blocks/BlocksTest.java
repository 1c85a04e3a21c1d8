package org.llmworkbench.model.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.llmworkbench.model.GptConfig;

class BlocksTest {
    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void anEmbeddingLayerSeededLikeTheBookHoldsTheBooksWeightsAndLooksUpRows() {
        TorchRandom.seed(123);
        EmbeddingLayer layer = new EmbeddingLayer(manager, 6, 3);
        assertThat(layer.weight().getShape()).isEqualTo(new Shape(6, 3));
        // torch.manual_seed(123); torch.nn.Embedding(6, 3).weight, as printed in the book's §2.7
        assertThat(layer.weight().toFloatArray()).containsExactly(new float[] {
            0.3374f, -0.1778f, -0.1690f, 0.9178f, 1.5810f, 1.3010f, 1.2753f, -0.2010f, -0.1606f,
            -0.4015f, 0.9666f, -1.1481f, -1.1589f, 0.3255f, -0.6315f, -2.8400f, -0.7849f, -1.4096f}, within(5e-5f));
        NDArray rows = layer.lookup(manager.create(new int[] {2, 3, 5, 1}));
        assertThat(rows.getShape()).isEqualTo(new Shape(4, 3));
        assertThat(rows.get(3).toFloatArray()).containsExactly(layer.weight().get(1).toFloatArray());
        assertThatThrownBy(() -> layer.lookup(manager.create(new int[] {0, 6})))
                .hasMessageContaining("ids must be in [0, 5] for a table of 6 rows, got 6");
        assertThatThrownBy(() -> layer.lookup(manager.create(new float[] {1f})))
                .hasMessageContaining("ids must be an integer tensor");
    }

    @Test
    void theShortcutExperimentReproducesTheBooksGradients() {
        int[] sizes = {3, 3, 3, 3, 3, 1};
        float[] input = {1f, 0f, -1f};
        float[] target = {0f};
        TorchRandom.seed(123);
        DeepNetwork plain = new DeepNetwork(manager, sizes, false);
        Map<String, Double> without = plain.weightGradientMeans(input, target);
        assertThat(plain.weightGradientMeans(input, target)).as("a second pass starts from zero gradients").isEqualTo(without);
        TorchRandom.seed(123);
        Map<String, Double> with = new DeepNetwork(manager, sizes, true).weightGradientMeans(input, target);
        // the book's printout (PyTorch 2.x, torch.manual_seed(123)); ours differs in the 7th digit at most
        double[] bookWithout = {0.00020173587836325169, 0.0001201116101583466, 0.0007152041653171182, 0.001398873864673078, 0.005049646366387606};
        double[] bookWith = {0.22169792652130127, 0.20694105327129364, 0.32896995544433594, 0.2665732502937317, 1.3258541822433472};
        assertThat(without.keySet()).containsExactly("layers.0.0.weight", "layers.1.0.weight", "layers.2.0.weight",
                "layers.3.0.weight", "layers.4.0.weight");
        List<Double> a = List.copyOf(without.values());
        List<Double> b = List.copyOf(with.values());
        for (int i = 0; i < 5; i++) {
            assertThat(a.get(i)).as("without, layer " + i).isCloseTo(bookWithout[i], within(bookWithout[i] * 1e-5));
            assertThat(b.get(i)).as("with, layer " + i).isCloseTo(bookWith[i], within(bookWith[i] * 1e-5));
        }
    }

    @Test
    void layerNormalizationCentresAndScalesEachRow() {
        TorchRandom.seed(123);
        NDArray x = TorchRandom.randn(manager, 2, 5);
        assertThat(x.toFloatArray()).startsWith(new float[] {-0.1115f, 0.1204f}, within(5e-5f));
        NDArray y = new LayerNormalization(manager.full(new Shape(5), 2f), manager.full(new Shape(5), 0.5f)).forward(x);
        float[] mean = y.mean(new int[] {-1}).toFloatArray();
        float[] var = y.sub(y.mean(new int[] {-1}, true)).square().mean(new int[] {-1}).toFloatArray();
        assertThat(mean).containsExactly(new float[] {0.5f, 0.5f}, within(1e-5f));
        assertThat(var).containsExactly(new float[] {4f, 4f}, within(2e-3f)); // eps 1e-5 in the denominator
        assertThatThrownBy(() -> new LayerNormalization(manager, 4).forward(x)).hasMessageContaining("last axis must have 4 features");
        assertThatThrownBy(() -> new LayerNormalization(manager.ones(new Shape(3)), manager.zeros(new Shape(4))))
                .hasMessageContaining("scale and shift must both be [dim]");
    }

    @Test
    void geluMatchesItsFormulaAndReluCutsNegatives() {
        NDArray x = manager.create(new float[] {-1f, 0f, 1f, 2f});
        assertThat(Activations.gelu(x).toFloatArray()).containsExactly(new float[] {-0.15881f, 0f, 0.84119f, 1.95460f}, within(1e-4f));
        assertThat(Activations.relu(x).toFloatArray()).containsExactly(0f, 0f, 1f, 2f);
    }

    @Test
    void aBlockKeepsItsInputShapeAndHasTheAnalyticParameterCount() {
        GptConfig small = new GptConfig(100, 8, 16, 1, 4, 0.1, true, false);
        try (GptBlock block = new GptBlock(manager, small, 7)) {
            NDArray out = block.forward(TorchRandom.rand(manager, 2, 4, 16));
            assertThat(out.getShape()).isEqualTo(new Shape(2, 4, 16));
            assertThat(block.parameterCount()).isEqualTo(small.blockParameterCount());
        }
        FeedForwardNetwork ffn = new FeedForwardNetwork(manager, 16);
        assertThat(ffn.hidden(manager.zeros(new Shape(2, 3, 16))).getShape()).isEqualTo(new Shape(2, 3, 64));
        assertThat(ffn.parameterCount()).isEqualTo(16 * 64 + 64 + 64 * 16 + 16);
        assertThatThrownBy(() -> new GptBlock(manager, small, 7).forward(manager.zeros(new Shape(4, 16))))
                .hasMessageContaining("input must be [batch, tokens, embDim]");
    }

    @Test
    void theTeachingPackageSharesNoPublicClassNameWithTheModelPackages() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(LinearLayer.class.getResource("LinearLayer.class").toURI()).getParent();
        List<String> names;
        try (var files = java.nio.file.Files.list(dir)) {
            names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - 6)).filter(n -> !n.equals("package-info")).toList();
        }
        assertThat(names).contains("LinearLayer", "GptBlock", "BookInitialization");
        for (String name : names) {
            for (String pkg : List.of("org.llmworkbench.model.", "org.llmworkbench.model.attention.")) {
                assertThatThrownBy(() -> Class.forName(pkg + name)).as(pkg + name + " clashes under star imports")
                        .isInstanceOf(ClassNotFoundException.class);
            }
        }
    }

    @Test
    void theBooksInitializationNeedsAnUntiedHead() {
        GptConfig tied = new GptConfig(100, 8, 16, 1, 4, 0.1, false, true);
        try (var model = org.llmworkbench.model.GptModel.create(tied, 1)) {
            assertThatThrownBy(() -> BookInitialization.apply(model, 123)).hasMessageContaining("tiedHead=false");
        }
    }
}
