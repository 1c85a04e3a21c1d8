package org.llmworkbench.finetune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.Json;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.Trainer;
import org.llmworkbench.train.TrainingListener;

import java.nio.file.Path;
import java.util.List;

/**
 * Preference tuning with DPO after instruction tuning (the book's DPO notebook): the tuned model is
 * the starting policy and, frozen, the reference; the {@link Trainer} minimizes {@link DpoObjective}
 * on the preference data's training part. Rewards, margins and preference accuracy on the training
 * and validation parts are measured before and after.
 *
 * @param beta       DPO's β (the book: 0.1)
 * @param maxLength  cut sequences to this many tokens (0: the model's context length; the book: 1024)
 * @param trainLimit use only the first this many training examples (0: all)
 * @param schedule   the book's: AdamW lr 5e-6, weight decay 0.01, 1 epoch, batch 8, evaluation every 5
 *                   steps over 5 batches (also for the before/after figures), seed 123
 */
public record DpoTuning(double beta, int maxLength, int trainLimit, TuningSchedule schedule)
        implements TuningRecipe<DpoTuning> {

    public DpoTuning {
        if (!(beta > 0)) throw new IllegalArgumentException("beta must be > 0, got " + beta);
        if (maxLength < 0 || trainLimit < 0) throw new IllegalArgumentException("maxLength and trainLimit must be >= 0");
        if (schedule == null) throw new IllegalArgumentException("schedule is required");
    }

    /** The book's settings: β 0.1, AdamW lr 5e-6, wd 0.01, 1 epoch, batch 8. */
    public static DpoTuning book() {
        return new DpoTuning(0.1, 1024, 0, new TuningSchedule(1, 0, 8, 5e-6, 0.01, 5, 5, 123));
    }

    /**
     * The book's settings on the workshop model: its rate (5e-6) too, which moves the small model
     * enough (measured: validation accuracy and margin above their starting values; see the
     * README); sequences cut to the model's context, evaluation every 20 steps.
     */
    public static DpoTuning workshop() {
        return new DpoTuning(0.1, 0, 0, new TuningSchedule(1, 0, 8, 5e-6, 0.01, 20, 5, 123));
    }

    public static DpoTuning preset(String name) {
        return switch (name) {
            case "book" -> book();
            case "workshop" -> workshop();
            default -> throw new IllegalArgumentException("unknown DPO preset '" + name + "': use book or workshop");
        };
    }

    public DpoTuning withBeta(double v) { return new DpoTuning(v, maxLength, trainLimit, schedule); }
    public DpoTuning withTrainLimit(int v) { return new DpoTuning(beta, maxLength, v, schedule); }
    @Override
    public DpoTuning withSchedule(TuningSchedule s) { return new DpoTuning(beta, maxLength, trainLimit, s); }

    /** Before and after, on the training and the validation part. */
    public record Result(InstructionModel tuned, TrainResult training, DpoObjective.Evaluation trainBefore,
                         DpoObjective.Evaluation valBefore, DpoObjective.Evaluation trainAfter,
                         DpoObjective.Evaluation valAfter) {
        /** One row per (part, before/after): DPO loss, mean rewards, margin, preference accuracy. */
        public tech.tablesaw.api.Table table() {
            var part = tech.tablesaw.api.StringColumn.create("part");
            var when = tech.tablesaw.api.StringColumn.create("when");
            var loss = tech.tablesaw.api.DoubleColumn.create("loss");
            var chosen = tech.tablesaw.api.DoubleColumn.create("chosen reward");
            var rejected = tech.tablesaw.api.DoubleColumn.create("rejected reward");
            var margin = tech.tablesaw.api.DoubleColumn.create("margin");
            var accuracy = tech.tablesaw.api.DoubleColumn.create("accuracy");
            Object[][] rows = {{"train", "before", trainBefore}, {"train", "after", trainAfter},
                    {"validation", "before", valBefore}, {"validation", "after", valAfter}};
            for (Object[] r : rows) {
                DpoObjective.Evaluation e = (DpoObjective.Evaluation) r[2];
                part.append((String) r[0]);
                when.append((String) r[1]);
                loss.append(e.loss());
                chosen.append(e.chosenReward());
                rejected.append(e.rejectedReward());
                margin.append(e.margin());
                accuracy.append(e.accuracy());
            }
            // printed to four decimals (the loss moves in the third), the values keep every digit
            var symbols = java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT);
            for (var c : List.of(loss, chosen, rejected, margin)) c.setPrintFormatter(new java.text.DecimalFormat("0.0000", symbols), "");
            accuracy.setPrintFormatter(new java.text.DecimalFormat("0.000", symbols), "");
            return tech.tablesaw.api.Table.create("DPO before and after", part, when, loss, chosen, rejected, margin, accuracy);
        }
    }

    /** The batches of one part of the preference data for a model of this context length. */
    public InstructionBatches<PreferenceCollate.Sample, PreferenceCollate.Batch> batches(
            InstructionModel model, List<PreferenceData.Example> examples, boolean training) {
        int context = model.model().config().contextLength();
        PreferenceCollate collate = PreferenceCollate.book().withMaxLength(maxLength == 0 ? context : Math.min(maxLength, context));
        List<PreferenceCollate.Sample> samples = PreferenceCollate.encodeAll(model.tokenizer(), model.format(), examples);
        return training ? InstructionBatches.training(samples, schedule.batchSize(), schedule.seed(), collate::collate)
                : InstructionBatches.inOrder(samples, schedule.batchSize(), collate::collate);
    }

    /**
     * Tunes a copy of {@code start} (which stays as it was and serves as the frozen reference).
     *
     * @param runDir checkpoints and {@code metrics.csv} (the DPO loss as "loss"); null for none
     */
    public Result run(InstructionModel start, InstructionData.Split<PreferenceData.Example> split, Path runDir,
                      List<TrainingListener> listeners) {
        List<PreferenceData.Example> trainExamples = trainLimit > 0 && trainLimit < split.train().size()
                ? split.train().subList(0, trainLimit) : split.train();
        var train = batches(start, trainExamples, true);
        var validation = batches(start, split.validation(), false);
        GptModel policy = InstructionModel.copy(start.model(), 0.0);
        try {
            DpoObjective dpo = new DpoObjective(policy, start.model(), beta);
            DpoObjective.Evaluation trainBefore = dpo.evaluate(train, schedule.evalBatches());
            DpoObjective.Evaluation valBefore = dpo.evaluate(validation, schedule.evalBatches());
            ObjectNode meta = Json.MAPPER.createObjectNode().put("kind", "dpo").put("start", start.name())
                    .put("beta", beta).put("prompt_format", start.format().id());
            PreferenceData.Example probe = split.validation().isEmpty() ? trainExamples.get(0) : split.validation().get(0);
            Trainer.Builder<PreferenceCollate.Batch> b = Trainer.builder(policy.parameters(), dpo, train, schedule.trainConfig().build())
                    .validation(validation).meta(meta)
                    .sampler(step -> Responses.respond(policy, start.tokenizer(), start.format(), probe.instruction(),
                            probe.input(), GenerationConfig.greedy(35)));
            if (runDir != null) b.runDir(runDir);
            listeners.forEach(b::listener);
            TrainResult result = b.build().run();
            InstructionModel tuned = new InstructionModel(policy, start.tokenizer(), start.format(), start.name() + "+dpo");
            return new Result(tuned, result, trainBefore, valBefore, dpo.evaluate(train, schedule.evalBatches()),
                    dpo.evaluate(validation, schedule.evalBatches()));
        } catch (RuntimeException e) {
            policy.close();
            throw e;
        }
    }
}
