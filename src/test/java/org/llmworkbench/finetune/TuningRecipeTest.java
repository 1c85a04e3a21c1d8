package org.llmworkbench.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.train.AdamW;
import org.llmworkbench.train.TrainConfig;

/** The schedule the three fine-tuning recipes share: the presets' numbers, the withers, the checks, the trainer's config. */
class TuningRecipeTest {

    @Test
    void presetsKeepTheBooksNumbers() {
        ClassifierTraining.Settings classifier = ClassifierTraining.Settings.book();
        assertThat(classifier.mode()).isEqualTo(FinetuneMode.LAST_BLOCKS);
        assertThat(classifier.trainableBlocks()).isEqualTo(1);
        assertThat(classifier.schedule()).isEqualTo(new TuningSchedule(5, 0, 8, 5e-5, 0.1, 50, 5, 123));

        assertThat(InstructionTuning.book().schedule()).isEqualTo(new TuningSchedule(2, 0, 8, 5e-5, 0.1, 5, 5, 123));
        assertThat(InstructionTuning.book().maxLength()).isEqualTo(1024);
        assertThat(InstructionTuning.workshop().schedule()).isEqualTo(new TuningSchedule(2, 0, 8, 1e-3, 0.1, 20, 5, 123));

        assertThat(DpoTuning.book().schedule()).isEqualTo(new TuningSchedule(1, 0, 8, 5e-6, 0.01, 5, 5, 123));
        assertThat(DpoTuning.book().maxLength()).isEqualTo(1024);
        assertThat(DpoTuning.workshop().schedule()).isEqualTo(new TuningSchedule(1, 0, 8, 5e-6, 0.01, 20, 5, 123));
        assertThat(DpoTuning.workshop().maxLength()).isZero();
    }

    @Test
    void withersChangeOnePartAndKeepTheRestOfTheRecipe() {
        DpoTuning dpo = DpoTuning.book().withBeta(0.2).withBatchSize(4).withEpochs(3).withTrainLimit(16);
        assertThat(dpo).isEqualTo(new DpoTuning(0.2, 1024, 16, new TuningSchedule(3, 0, 4, 5e-6, 0.01, 5, 5, 123)));

        ClassifierTraining.Settings classifier = ClassifierTraining.Settings.book().withMode(FinetuneMode.LORA)
                .withLearningRate(8e-4).withEval(0, 0).withSeed(9).withAccuracyExamples(32);
        assertThat(classifier.mode()).isEqualTo(FinetuneMode.LORA);
        assertThat(classifier.accuracyExamples()).isEqualTo(32);
        assertThat(classifier.schedule()).isEqualTo(new TuningSchedule(5, 0, 8, 8e-4, 0.1, 0, 0, 9));

        InstructionTuning instruct = InstructionTuning.workshop().withFormat(Format.PHI3).withMaxSteps(10).withWeightDecay(0);
        assertThat(instruct.format()).isEqualTo(Format.PHI3);
        assertThat(instruct.name()).isEqualTo("workshop");
        assertThat(instruct.schedule()).isEqualTo(new TuningSchedule(2, 10, 8, 1e-3, 0.0, 20, 5, 123));
    }

    @Test
    void theScheduleRefusesWhatCannotTrain() {
        assertThatThrownBy(() -> DpoTuning.book().withEpochs(0)).hasMessageContaining("epochs must be >= 1, got 0");
        assertThatThrownBy(() -> ClassifierTraining.Settings.book().withBatchSize(0)).hasMessageContaining("batchSize must be >= 1");
        assertThatThrownBy(() -> InstructionTuning.book().withLearningRate(0)).hasMessageContaining("learningRate must be in (0, 1]");
        assertThatThrownBy(() -> InstructionTuning.book().withMaxSteps(-1)).hasMessageContaining("maxSteps must be >= 0");
        assertThatThrownBy(() -> DpoTuning.book().withEval(-1, 5)).hasMessageContaining("evalEvery and evalBatches must be >= 0");
        assertThatThrownBy(() -> DpoTuning.book().withSchedule(null)).hasMessageContaining("schedule is required");
    }

    @Test
    void theTrainerGetsTheScheduleAtAConstantRate() {
        TrainConfig c = new TuningSchedule(3, 40, 4, 1e-4, 0.05, 10, 2, 9).trainConfig().build();
        assertThat(c.maxEpochs()).isEqualTo(3);
        assertThat(c.maxSteps()).isEqualTo(40);
        assertThat(c.learningRate()).isEqualTo(1e-4);
        assertThat(c.cosine()).isFalse();
        assertThat(c.warmupSteps()).isZero();
        assertThat(c.optimizer().weightDecay()).isEqualTo(0.05);
        assertThat(c.optimizer().decay()).isEqualTo(AdamW.DecayPolicy.ALL);
        assertThat(c.evalEvery()).isEqualTo(10);
        assertThat(c.evalBatches()).isEqualTo(2);
        assertThat(c.seed()).isEqualTo(9);
    }

    /**
     * The book decays every parameter when it fine-tunes: {@code torch.optim.AdamW(model.parameters(), lr=5e-5,
     * weight_decay=0.1)} in chapter 7 and {@code AdamW(policy_model.parameters(), lr=5e-6, weight_decay=0.01)} in
     * its DPO notebook (and chapter 6). The instruction and DPO recipes once decayed the weight matrices only
     * (TrainConfig's default), leaving biases, norm scales and shifts and the embeddings undecayed.
     */
    @Test
    void everyRecipeDecaysEveryParameterAsTheBooksAdamWDoes() {
        org.llmworkbench.model.GptConfig tiny = new org.llmworkbench.model.GptConfig(20, 8, 8, 1, 2, 0.0, true, false);
        try (org.llmworkbench.model.GptModel model = org.llmworkbench.model.GptModel.create(tiny, 1)) {
            for (TuningSchedule s : java.util.List.of(InstructionTuning.book().schedule(), InstructionTuning.workshop().schedule(),
                    DpoTuning.book().schedule(), DpoTuning.workshop().schedule(), ClassifierTraining.Settings.book().schedule())) {
                TrainConfig c = s.trainConfig().build();
                try (AdamW adam = new AdamW(model.parameters(), c.optimizer())) {
                    assertThat(adam.decayed()).as("decayed by %s", s).containsExactlyElementsOf(model.parameters().keySet())
                            .contains("final_norm.scale", "tok_emb.weight", "trf_blocks.0.att.W_query.bias");
                }
            }
        }
    }
}
