package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AttentionStepsTest {
    // "Your journey starts with one step": the book's 3-d toy embeddings
    static final float[][] INPUTS = {
            {0.43f, 0.15f, 0.89f}, {0.55f, 0.87f, 0.66f}, {0.57f, 0.85f, 0.64f},
            {0.22f, 0.58f, 0.33f}, {0.77f, 0.25f, 0.10f}, {0.05f, 0.80f, 0.55f}};

    NDManager manager;
    NDArray x;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        x = manager.create(INPUTS);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static void assertClose(float[][] actual, double[][] expected, double tol) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i].length).isEqualTo(expected[i].length);
            for (int j = 0; j < actual[i].length; j++) {
                assertThat((double) actual[i][j]).as("[%d][%d]", i, j).isCloseTo(expected[i][j], within(tol));
            }
        }
    }

    static float[][] matrix(NDArray a) {
        return AttentionModule.toMatrix(a);
    }

    @Test
    void simplifiedAttentionReproducesTheBookNumbers() {
        try (SimplifiedSelfAttention att = new SimplifiedSelfAttention(manager)) {
            NDArray context = att.forward(x);
            float[][] z = matrix(context);
            assertThat(z[1]).containsExactly(new float[] {0.4419f, 0.6515f, 0.5683f}, within(1e-4f));
            float[][] w = att.attentionMatrix();
            assertThat(w[1]).containsExactly(new float[] {0.1385f, 0.2379f, 0.2333f, 0.1240f, 0.1082f, 0.1581f}, within(1e-4f));
            assertThat(matrix(SimplifiedSelfAttention.scores(x))[1])
                    .containsExactly(new float[] {0.9544f, 1.4950f, 1.4754f, 0.8434f, 0.7070f, 1.0865f}, within(1e-4f));

            double[][] in = Ref.toDouble(INPUTS);
            double[][] weights = Ref.softmaxRows(Ref.matmul(in, Ref.transpose(in)), 1.0, false);
            assertClose(w, weights, 1e-6);
            assertClose(z, Ref.matmul(weights, in), 1e-6);
        }
    }

    @Test
    void trainableAttentionMatchesPlainJava() {
        try (TrainableSelfAttention att = new TrainableSelfAttention(manager, 3, 2, false, 123)) {
            float[][] z = matrix(att.forward(x));
            double[][] in = Ref.toDouble(INPUTS);
            double[][] q = Ref.project(in, Ref.toDouble(matrix(att.parameters().get("W_query.weight"))));
            double[][] k = Ref.project(in, Ref.toDouble(matrix(att.parameters().get("W_key.weight"))));
            double[][] v = Ref.project(in, Ref.toDouble(matrix(att.parameters().get("W_value.weight"))));
            double[][] w = Ref.softmaxRows(Ref.matmul(q, Ref.transpose(k)), 1 / Math.sqrt(2), false);
            assertClose(att.attentionMatrix(), w, 1e-6);
            assertClose(z, Ref.matmul(w, v), 1e-6);
            assertThat(att.attentionMatrix()[0][5]).isGreaterThan(0f);
        }
    }

    @Test
    void sameSeedSameWeightsDifferentSeedDifferent() {
        try (TrainableSelfAttention a = new TrainableSelfAttention(manager, 3, 2, true, 7);
             TrainableSelfAttention b = new TrainableSelfAttention(manager, 3, 2, true, 7);
             TrainableSelfAttention c = new TrainableSelfAttention(manager, 3, 2, true, 8)) {
            float[] wa = a.parameters().get("W_key.weight").toFloatArray();
            assertThat(b.parameters().get("W_key.weight").toFloatArray()).containsExactly(wa);
            assertThat(c.parameters().get("W_key.weight").toFloatArray()).isNotEqualTo(wa);
            // nn.Linear's default range: ±1/√d_in
            for (float f : wa) assertThat(Math.abs(f)).isLessThanOrEqualTo((float) (1 / Math.sqrt(3)));
        }
    }

    @Test
    void causalWeightsAreZeroAboveTheDiagonalAndRowsSumToOne() {
        try (CausalSelfAttention att = new CausalSelfAttention(manager, 3, 2, 6, 0.5, true, 123)) {
            float[][] z = matrix(att.forward(x));
            float[][] w = att.attentionMatrix();
            for (int i = 0; i < 6; i++) {
                double sum = 0;
                for (int j = 0; j < 6; j++) {
                    if (j > i) assertThat(w[i][j]).isZero();
                    sum += w[i][j];
                }
                assertThat(sum).isCloseTo(1.0, within(1e-6));
            }
            assertThat(w[0][0]).isEqualTo(1f);

            double[][] in = Ref.toDouble(INPUTS);
            java.util.function.Function<String, double[][]> proj = p -> {
                double[][] y = Ref.project(in, Ref.toDouble(matrix(att.parameters().get(p + ".weight"))));
                float[] bias = att.parameters().get(p + ".bias").toFloatArray();
                for (double[] row : y) for (int j = 0; j < row.length; j++) row[j] += bias[j];
                return y;
            };
            double[][] ref = Ref.softmaxRows(Ref.matmul(proj.apply("W_query"), Ref.transpose(proj.apply("W_key"))), 1 / Math.sqrt(2), true);
            assertClose(w, ref, 1e-6);
            assertClose(z, Ref.matmul(ref, proj.apply("W_value")), 1e-6);
        }
    }

    @Test
    void dropoutAtHalfZeroesAboutHalfAndDoublesTheRest() {
        NDArray ones = manager.ones(new Shape(64, 64));
        float[] out = new Dropout(0.5, 42).apply(ones).toFloatArray();
        int zeros = 0;
        for (float f : out) {
            if (f == 0f) zeros++;
            else assertThat(f).isEqualTo(2f);
        }
        // 4096 fair coins: mean 2048, σ = 32; ±5σ
        assertThat(zeros).isBetween(2048 - 160, 2048 + 160);
        assertThat(new Dropout(0.5, 42).apply(ones).toFloatArray()).containsExactly(out);
        assertThat(new Dropout(0.5, 43).apply(ones).toFloatArray()).isNotEqualTo(out);
        assertThat(new Dropout(0.0, 1).apply(ones).toFloatArray()).containsOnly(1f);
        assertThatThrownBy(() -> new Dropout(1.0, 1)).hasMessageContaining("dropout rate = 1.0 must be in [0, 1)");
    }

    @Test
    void causalDropoutOnlyInTrainingAndKeepsTheMask() {
        try (CausalSelfAttention att = new CausalSelfAttention(manager, 3, 2, 6, 0.5, false, 5)) {
            att.forward(x);
            float[][] eval = att.attentionMatrix();
            att.setTraining(true);
            att.forward(x);
            float[][] train = att.attentionMatrix();
            int dropped = 0, kept = 0;
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    if (j > i) {
                        assertThat(train[i][j]).isZero();
                    } else if (train[i][j] == 0f) {
                        dropped++;
                    } else {
                        kept++;
                        assertThat(train[i][j]).isCloseTo(2 * eval[i][j], within(1e-6f));
                    }
                }
            }
            assertThat(dropped + kept).isEqualTo(21);
            assertThat(dropped).isBetween(3, 18);
        }
    }

    @Test
    void batchesAndTwoDimensionalInputsAgreeAndNothingLeaks() {
        try (CausalSelfAttention att = new CausalSelfAttention(manager, 3, 2, 6, 0.0, true, 9)) {
            float[] single = att.forward(x).toFloatArray();
            NDArray batch = x.stack(x, 0);
            int before = manager.getManagedArrays().size();
            int moduleBefore = att.manager.getManagedArrays().size();
            NDArray out = att.forward(batch);
            assertThat(out.getShape()).isEqualTo(new Shape(2, 6, 2));
            assertThat(att.attentionWeights().getShape()).isEqualTo(new Shape(2, 6, 6));
            assertThat(manager.getManagedArrays().size()).isEqualTo(before + 1);
            assertThat(att.manager.getManagedArrays().size()).isEqualTo(moduleBefore);
            float[] both = out.toFloatArray();
            for (int i = 0; i < single.length; i++) {
                assertThat(both[i]).isEqualTo(single[i]);
                assertThat(both[single.length + i]).isEqualTo(single[i]);
            }
            assertThatThrownBy(() -> att.forward(manager.zeros(new Shape(7, 3))))
                    .hasMessageContaining("sequence length 7 exceeds contextLength 6");
        }
    }

    @Test
    void randomEmbeddingsRepeatAVectorForARepeatedWord() {
        java.util.List<String> words = RandomEmbeddings.words("  the cat saw the  dog ");
        assertThat(words).containsExactly("the", "cat", "saw", "the", "dog");
        float[][] e = matrix(RandomEmbeddings.of(manager, words, 4, 1));
        assertThat(e[3]).containsExactly(e[0]);
        assertThat(e[1]).isNotEqualTo(e[0]);
        assertThat(matrix(RandomEmbeddings.of(manager, words, 4, 1))).isDeepEqualTo(e);
    }
}
