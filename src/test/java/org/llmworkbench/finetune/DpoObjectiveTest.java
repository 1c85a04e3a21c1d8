package org.llmworkbench.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.train.TrainConfig;
import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.Trainer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DpoObjectiveTest {
    /** GPT-2's vocabulary, one small block: fast enough to train a few DPO steps in a test. */
    static final GptConfig SMALL = new GptConfig(GptConfig.GPT2_VOCAB, 256, 32, 1, 2, 0.0, true, false);

    static InstructionBatches<PreferenceCollate.Sample, PreferenceCollate.Batch> batches(int examples, int batchSize) {
        List<PreferenceCollate.Sample> samples = PreferenceCollate.encodeAll(org.llmworkbench.text.Tokenizers.gpt2(), Format.ALPACA,
                PreferenceData.load().subList(0, examples));
        return InstructionBatches.inOrder(samples, batchSize, PreferenceCollate.book().withMaxLength(256)::collate);
    }

    @Test
    void theCollateMasksPromptAndPaddingAndPadsBothAnswersToOneWidth() {
        PreferenceCollate.Sample a = new PreferenceCollate.Sample(new int[] {1, 2, 3, 4}, new int[] {1, 2, 5}, 2);
        PreferenceCollate.Sample b = new PreferenceCollate.Sample(new int[] {6, 7}, new int[] {6, 8, 9, 9, 9}, 1);
        PreferenceCollate.Batch batch = PreferenceCollate.book().collate(List.of(a, b), new int[] {0, 1});
        assertThat(batch.width()).isEqualTo(6);
        assertThat(batch.chosen()).isDeepEqualTo(new int[][] {{1, 2, 3, 4, 50256, 50256}, {6, 7, 50256, 50256, 50256, 50256}});
        assertThat(batch.rejected()[1]).containsExactly(6, 8, 9, 9, 9, 50256);
        assertThat(batch.chosenMask()[0]).containsExactly(false, false, true, true, false, false);
        assertThat(batch.rejectedMask()[0]).containsExactly(false, false, true, false, false, false);
        assertThat(batch.rejectedMask()[1]).containsExactly(false, true, true, true, true, false);
        PreferenceCollate.Batch unmasked = new PreferenceCollate(50256, false, 4).collate(List.of(a), new int[] {0});
        assertThat(unmasked.chosenMask()[0]).containsExactly(true, true, true, true);
    }

    @Test
    void theLossFormulaAndMaskedMeanLogProbabilities() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loss = DpoObjective.dpoLoss(m.create(new float[] {-1f}), m.create(new float[] {-2f}),
                    m.create(new float[] {-1.5f}), m.create(new float[] {-1.5f}), 0.1);
            assertThat(loss.getFloat(0)).isCloseTo((float) Math.log1p(Math.exp(-0.1)), within(1e-6f));
            // two tokens of vocabulary 2: logits favour token 1 at position 0
            NDArray logits = m.create(new float[] {0f, 2f, 5f, 5f}, new Shape(1, 2, 2));
            NDArray ids = m.create(new long[] {0, 1}, new Shape(1, 2));
            NDArray mask = m.create(new float[] {0f, 1f}, new Shape(1, 2));
            float expected = (float) (2 - Math.log(1 + Math.exp(2)));
            assertThat(DpoObjective.sequenceLogProbs(logits, ids, mask).getFloat(0)).isCloseTo(expected, within(1e-5f));
        }
    }

    @Test
    void theLossStartsAtLn2WhenThePolicyIsTheReference() {
        try (GptModel base = GptModel.create(SMALL, 3); GptModel reference = InstructionModel.copy(base, 0.0)) {
            DpoObjective dpo = new DpoObjective(base, reference, 0.1);
            DpoObjective.Evaluation e = dpo.evaluate(batches(3, 2), 0);
            assertThat(e.examples()).isEqualTo(3);
            assertThat(e.loss()).isCloseTo(Math.log(2), within(1e-6));
            assertThat(e.margin()).isCloseTo(0, within(1e-6));
            assertThat(e.accuracy()).isEqualTo(0.0);
            assertThatThrownBy(() -> new DpoObjective(base, base, 0.1)).hasMessageContaining("separate, frozen copy");
            assertThatThrownBy(() -> new DpoObjective(base, reference, 0)).hasMessageContaining("beta must be in (0, 100]");
        }
    }

    /** Preferences a tiny model can learn in a few steps: after prompt (p, p+1), answer 9 9 is chosen over 10 10. */
    static InstructionBatches<PreferenceCollate.Sample, PreferenceCollate.Batch> synthetic() {
        List<PreferenceCollate.Sample> samples = java.util.stream.IntStream.range(0, 8)
                .mapToObj(p -> new PreferenceCollate.Sample(new int[] {p, p + 1, 9, 9}, new int[] {p, p + 1, 10, 10}, 2)).toList();
        return InstructionBatches.inOrder(samples, 4, new PreferenceCollate(0, true, 0)::collate);
    }

    @Test
    void trainingRaisesTheMarginAndAccuracyAndLeavesTheReferenceAlone() {
        GptConfig tiny = new GptConfig(16, 8, 16, 1, 2, 0.0, true, false);
        try (GptModel policy = GptModel.create(tiny, 3); GptModel reference = InstructionModel.copy(policy, 0.0)) {
            float[] refBefore = reference.parameters().get("out_head.weight").toFloatArray();
            DpoObjective dpo = new DpoObjective(policy, reference, 0.1);
            var data = synthetic();
            DpoObjective.Evaluation before = dpo.evaluate(data, 0);
            TrainResult r = Trainer.builder(policy.parameters(), dpo, data,
                    TrainConfig.builder().maxSteps(10).learningRate(1e-2).weightDecay(0.01).seed(1).build()).build().run();
            DpoObjective.Evaluation after = dpo.evaluate(data, 0);
            assertThat(before.loss()).isCloseTo(Math.log(2), within(1e-6));
            assertThat(r.stepLosses()[0]).isCloseTo(Math.log(2), within(1e-5));
            assertThat(after.loss()).isLessThan(Math.log(2) - 0.05);
            assertThat(after.margin()).isGreaterThan(1.0);
            assertThat(after.accuracy()).isEqualTo(1.0);
            assertThat(after.chosenReward()).isGreaterThan(0);
            assertThat(reference.parameters().get("out_head.weight").toFloatArray()).containsExactly(refBefore);
        }
    }
}
