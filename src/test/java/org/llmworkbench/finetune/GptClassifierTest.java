package org.llmworkbench.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.llmworkbench.data.ClassificationBatch;
import org.llmworkbench.data.ClassificationDataset;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GptClassifierTest {
    static final GptConfig TINY = new GptConfig(60, 24, 16, 3, 2, 0.0, false, false);

    @Test
    void loraOnGpt2SmallWithATwoClassHeadTrains2666528Parameters() {
        // the book's appendix E count, from shapes: q, k, v, out (768x768), ff (768x3072, 3072x768) x 12, head 768x2
        assertThat(GptClassifier.loraParameterCount(GptConfig.preset("gpt2-small"), 2, new LoraConfig(16, 16)))
                .isEqualTo(2_666_528L);
        assertThat(GptClassifier.loraParameterCount(GptConfig.preset("gpt2-small").asOpenAiCheckpoint(), 2, new LoraConfig(16, 16)))
                .isEqualTo(2_666_528L); // biases and head tying add no adapters
        // and the arrays a real model gets match the formula
        try (GptClassifier c = new GptClassifier(GptModel.create(TINY, 1), 2, 2)) {
            Map<String, NDArray> trainable = c.prepare(FinetuneMode.LORA, 0, new LoraConfig(4, 8), 3);
            long count = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
            assertThat(count).isEqualTo(GptClassifier.loraParameterCount(TINY, 2, new LoraConfig(4, 8)));
            assertThat(count).isEqualTo(3 * (4 * 4 * 32 + 4 * (16 + 64) * 2) + 4 * 18);
            assertThat(trainable.keySet()).allSatisfy(n -> assertThat(n).matches(".*\\.lora_[AB]"));
            assertThat(c.model().parameters().get("trf_blocks.0.att.W_query.weight").hasGradient()).isFalse();
            Table t = c.parameterTable(trainable);
            assertThat(t.longColumn("trainable").get(t.rowCount() - 1)).isEqualTo(count);
        }
    }

    @Test
    void theBooksLoraStartsALargerAndScalesByAlpha() {
        assertThat(new LoraConfig(16, 16).scale()).isEqualTo(1.0);
        assertThat(LoraConfig.book(16, 16).scale()).isEqualTo(16.0);
        assertThat(new LoraConfig(16, 16).initBound(768)).isCloseTo(1 / Math.sqrt(768), within(1e-12));
        assertThat(LoraConfig.book(16, 16).initBound(768)).isEqualTo(0.25);
        assertThat(LoraConfig.parseStyle("Book")).isEqualTo(LoraConfig.Style.BOOK);
        assertThatThrownBy(() -> LoraConfig.parseStyle("hf")).hasMessageContaining("unknown LoRA style 'hf'");
        assertThat(ClassifierTraining.Settings.book().lora()).isEqualTo(LoraConfig.book(16, 16));
        for (LoraConfig lora : List.of(new LoraConfig(4, 8), LoraConfig.book(4, 8))) {
            try (GptClassifier c = new GptClassifier(GptModel.create(TINY, 1), 2, 2)) {
                Map<String, NDArray> trainable = c.prepare(FinetuneMode.LORA, 0, lora, 3);
                float[] a = trainable.get("trf_blocks.0.ff.layers.2.lora_A").toFloatArray();   // in = 64
                double max = 0;
                for (float v : a) max = Math.max(max, Math.abs(v));
                double bound = lora.style() == LoraConfig.Style.BOOK ? 0.5 : 0.125;
                assertThat(max).as(lora.toString()).isLessThanOrEqualTo(bound).isGreaterThan(0.8 * bound);
                assertThat(c.denseLayers().get("trf_blocks.0.ff.layers.2").adapter().scale())
                        .isEqualTo(lora.style() == LoraConfig.Style.BOOK ? 8.0 : 2.0);
            }
        }
    }

    @Test
    void lastBlocksModeTrainsTheLastNBlocksTheFinalNormAndTheHead() {
        try (GptClassifier c = new GptClassifier(GptModel.create(TINY, 1), 2, 2)) {
            Map<String, NDArray> one = c.prepare(FinetuneMode.LAST_BLOCKS, 1, null, 0);
            long e = TINY.embDim();
            assertThat(sum(one)).isEqualTo(TINY.blockParameterCount() + 2 * e + 2 * e + 2);
            assertThat(one).containsKeys("trf_blocks.2.att.W_query.weight", "final_norm.scale", "cls_head.weight")
                    .doesNotContainKeys("trf_blocks.1.att.W_query.weight", "tok_emb.weight", "out_head.weight");
            Map<String, NDArray> two = c.prepare(FinetuneMode.LAST_BLOCKS, 2, null, 0);
            assertThat(sum(two)).isEqualTo(2 * TINY.blockParameterCount() + 2 * e + 2 * e + 2);
            assertThat(c.model().parameters().get("trf_blocks.0.norm1.scale").hasGradient()).isFalse();
            assertThat(c.model().parameters().get("trf_blocks.1.norm1.scale").hasGradient()).isTrue();
            assertThat(sum(c.prepare(FinetuneMode.FULL, 0, null, 0))).isEqualTo(TINY.parameterCount() + 2 * e + 2);
            assertThatThrownBy(() -> c.prepare(FinetuneMode.LAST_BLOCKS, 4, null, 0)).hasMessageContaining("trainableBlocks must be in [0, 3]");
        }
    }

    @Test
    void theHeadReadsTheLastRealTokenSoPaddingChangesNothing() {
        try (GptClassifier c = new GptClassifier(GptModel.create(TINY, 1), 3, 2);
             NDManager scope = c.model().manager().newSubManager()) {
            float[] alone = c.logits(scope, new ClassificationBatch(new int[][]{{5, 9, 11}}, new int[]{3}, new int[]{0}), false).toFloatArray();
            float[] padded = c.logits(scope, new ClassificationBatch(new int[][]{{5, 9, 11, 59, 59, 59}, {1, 2, 3, 4, 5, 6}},
                    new int[]{3, 6}, new int[]{0, 1}), false).toFloatArray();
            assertThat(padded).hasSize(6);
            for (int k = 0; k < 3; k++) assertThat(padded[k]).isCloseTo(alone[k], within(1e-5f));
            // the last padded position (what the book reads) gives other logits
            float[] lastPosition = c.logits(scope, new ClassificationBatch(new int[][]{{5, 9, 11, 59, 59, 59}}, new int[]{6}, new int[]{0}), false).toFloatArray();
            assertThat(Math.abs(lastPosition[0] - alone[0]) + Math.abs(lastPosition[1] - alone[1])).isGreaterThan(1e-4f);
        }
    }

    @Test
    void loraStartsAtTheFrozenModelTrainsOnlyAdaptersAndMergesToTheSameOutputs() {
        ClassificationDataset data = synthetic(64, 11);
        try (GptClassifier c = new GptClassifier(GptModel.create(TINY, 1), 2, 2)) {
            double[] before = c.probabilities(data, 16).get(0);
            ClassifierTraining.Settings s = new ClassifierTraining.Settings(FinetuneMode.LORA, 0, new LoraConfig(4, 8), 0,
                    new TuningSchedule(1, 0, 8, 1e-2, 0.0, 0, 0, 5));
            c.prepare(s.mode(), 0, s.lora(), s.schedule().seed());
            assertThat(c.probabilities(data, 16).get(0)).containsExactly(before, within(1e-6)); // B = 0
            c.mergeAdapters(); // nothing trained yet: merging changes nothing
            assertThat(c.probabilities(data, 16).get(0)).containsExactly(before, within(1e-6));
        }
        try (GptClassifier c = new GptClassifier(GptModel.create(TINY, 1), 2, 2)) {
            float[] w = c.model().parameters().get("trf_blocks.1.ff.layers.0.weight").toFloatArray();
            float[] headW = c.headParameters().get("cls_head.weight").toFloatArray();
            ClassifierTraining.Result r = ClassifierTraining.train(c, data, null, new ClassifierTraining.Settings(FinetuneMode.LORA, 0,
                    new LoraConfig(4, 8), 0, new TuningSchedule(2, 0, 8, 1e-2, 0.0, 0, 0, 5)), List.of());
            assertThat(r.training().steps()).isEqualTo(16);
            assertThat(c.model().parameters().get("trf_blocks.1.ff.layers.0.weight").toFloatArray()).containsExactly(w);
            assertThat(c.headParameters().get("cls_head.weight").toFloatArray()).containsExactly(headW);
            assertThat(c.adapterParameters().get("cls_head.lora_B").toFloatArray()).doesNotContain(0f);
            List<double[]> adapted = c.probabilities(data, 16);
            c.mergeAdapters();
            assertThat(c.adapterParameters()).isEmpty();
            assertThat(c.model().parameters().get("trf_blocks.1.ff.layers.0.weight").toFloatArray()).isNotEqualTo(w);
            List<double[]> merged = c.probabilities(data, 16);
            for (int i = 0; i < data.size(); i++) assertThat(merged.get(i)).containsExactly(adapted.get(i), within(1e-4));
        }
    }

    @Test
    void lastBlockTrainingLearnsASyntheticTaskAndLeavesFrozenWeightsAlone() {
        ClassificationDataset train = synthetic(160, 3);
        ClassificationDataset val = synthetic(48, 4);
        try (GptClassifier c = new GptClassifier(GptModel.create(TINY, 1), 2, 2)) {
            assertThat(c.accuracy(val, 16)).isLessThan(0.65);
            float[] emb = c.model().parameters().get("tok_emb.weight").toFloatArray();
            float[] first = c.model().parameters().get("trf_blocks.0.ff.layers.0.weight").toFloatArray();
            float[] last = c.model().parameters().get("trf_blocks.2.ff.layers.0.weight").toFloatArray();
            ClassifierTraining.Result r = ClassifierTraining.train(c, train, val,
                    new ClassifierTraining.Settings(FinetuneMode.LAST_BLOCKS, 2, null, 0, new TuningSchedule(8, 0, 8, 2e-3, 0.0, 20, 0, 7)), List.of());
            assertThat(r.accuracy().rowCount()).isEqualTo(8);
            // 160 random messages: it learns (chance is 0.5) and starts to memorize, as a small training set does
            assertThat(r.accuracy().doubleColumn("train_accuracy").get(7)).isGreaterThanOrEqualTo(0.85);
            assertThat(r.accuracy().doubleColumn("val_accuracy").get(7)).isGreaterThanOrEqualTo(0.7);
            assertThat(c.accuracy(val, 16)).isEqualTo(r.accuracy().doubleColumn("val_accuracy").get(7));
            assertThat(r.training().trainLoss()).isLessThan(0.4);
            assertThat(c.model().parameters().get("tok_emb.weight").toFloatArray()).containsExactly(emb);
            assertThat(c.model().parameters().get("trf_blocks.0.ff.layers.0.weight").toFloatArray()).containsExactly(first);
            assertThat(c.model().parameters().get("trf_blocks.2.ff.layers.0.weight").toFloatArray()).isNotEqualTo(last);
        }
    }

    /** Label 1 when token 7 occurs in the message: the last token has to attend back to find it. */
    static ClassificationDataset synthetic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> rows = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int[] t = new int[3 + r.nextInt(8)];
            for (int k = 0; k < t.length; k++) t[k] = 10 + r.nextInt(40);
            labels[i] = i % 2;
            if (labels[i] == 1) t[r.nextInt(t.length)] = 7;
            rows.add(t);
        }
        return new ClassificationDataset(rows, labels, 59, 24);
    }

    private static long sum(Map<String, NDArray> m) {
        return m.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }
}
