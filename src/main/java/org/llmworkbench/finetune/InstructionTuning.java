package org.llmworkbench.finetune;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.Json;
import org.llmworkbench.data.Batch;
import org.llmworkbench.data.InstructionPrompts;
import org.llmworkbench.data.InstructionPrompts.Example;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.train.BaseModels;
import org.llmworkbench.train.LanguageModelObjective;
import org.llmworkbench.train.ModelRecipe;
import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.TrainedModel;
import org.llmworkbench.train.Trainer;
import org.llmworkbench.train.TrainingListener;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Instruction fine-tuning (the book's chapter 7): a pretrained model keeps training on
 * "prompt + answer" texts with next-token cross-entropy. What makes it instruction tuning is the
 * data and the batch ({@link InstructionCollate}: padding that costs nothing, optionally only the
 * answers learned), not the loop, which is the ordinary {@link Trainer} with
 * {@link LanguageModelObjective} (−100 targets are ignored by the loss).
 *
 * @param name          the preset's name
 * @param baseModel     which base model the preset is meant for (a name for {@code BaseModels} or a directory)
 * @param format        the prompt format
 * @param maskPrompt    learn only the answers' tokens (the book's exercise 7.2)
 * @param maxLength     cut batches to this many tokens (0: the model's context length)
 * @param dropRate      dropout while tuning (the book: 0)
 * @param trainLimit    use only the first this many training examples (0: all; smoke runs)
 * @param schedule      epochs, batch size, AdamW's (constant) rate and weight decay, evaluation (the book:
 *                      every 5 steps over 5 batches) and the shuffling and dropout seed (the book: 123)
 */
public record InstructionTuning(String name, String baseModel, Format format, boolean maskPrompt, int maxLength,
                                double dropRate, int trainLimit, TuningSchedule schedule)
        implements TuningRecipe<InstructionTuning> {

    public InstructionTuning {
        if (format == null) throw new IllegalArgumentException("format is required (alpaca or phi3)");
        if (maxLength < 0) throw new IllegalArgumentException("maxLength must be >= 0 (0 = context length), got " + maxLength);
        if (!(dropRate >= 0 && dropRate < 1)) throw new IllegalArgumentException("dropRate must be in [0, 1), got " + dropRate);
        if (trainLimit < 0) throw new IllegalArgumentException("trainLimit must be >= 0 (0 = all), got " + trainLimit);
        if (schedule == null) throw new IllegalArgumentException("schedule is required");
    }

    /** The book's recipe: GPT-2 medium, Alpaca, AdamW lr 5e-5, wd 0.1, 2 epochs, batch 8, no dropout (val loss 3.76 → 0.66). */
    public static InstructionTuning book() {
        return new InstructionTuning("book", "gpt2-medium", Format.ALPACA, false, 1024, 0.0, 0,
                new TuningSchedule(2, 0, 8, 5e-5, 0.1, 5, 5, 123));
    }

    /**
     * Minutes on a laptop: the workshop's own small base model (4 blocks, 128 wide), sequences cut to
     * its context, and a rate of 1e-3, as small models train (nanoGPT's). Measured on the 110 test
     * instructions: at 2e-4 the model had not yet learned that an answer, not another "###" header,
     * follows "### Response:" (validation loss 2.98, every answer a run of headers); at 1e-3 it
     * reaches 2.28 and answers.
     */
    public static InstructionTuning workshop() {
        return new InstructionTuning("workshop", "workshop-base", Format.ALPACA, false, 0, 0.0, 0,
                new TuningSchedule(2, 0, 8, 1e-3, 0.1, 20, 5, 123));
    }

    /** {@code book} or {@code workshop}. */
    public static InstructionTuning preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "book" -> book();
            case "workshop" -> workshop();
            default -> throw new IllegalArgumentException("unknown instruction-tuning preset '" + name + "': use book or workshop");
        };
    }

    public InstructionTuning withFormat(Format v) { return new InstructionTuning(name, baseModel, v, maskPrompt, maxLength, dropRate, trainLimit, schedule); }
    public InstructionTuning withMaskPrompt(boolean v) { return new InstructionTuning(name, baseModel, format, v, maxLength, dropRate, trainLimit, schedule); }
    public InstructionTuning withTrainLimit(int v) { return new InstructionTuning(name, baseModel, format, maskPrompt, maxLength, dropRate, v, schedule); }
    @Override
    public InstructionTuning withSchedule(TuningSchedule s) { return new InstructionTuning(name, baseModel, format, maskPrompt, maxLength, dropRate, trainLimit, s); }

    /** The collate for a model with this context length. */
    public InstructionCollate collate(int contextLength) {
        int cap = maxLength == 0 ? contextLength : Math.min(maxLength, contextLength);
        return new InstructionCollate(InstructionCollate.END_OF_TEXT, maskPrompt, cap);
    }

    /**
     * How a run went.
     *
     * @param tuned           the tuned model (a copy: the base model is left as it was)
     * @param training        the trainer's result: metrics table, tokens/s (padding included)
     * @param baseValLoss     mean validation loss of the base model over the whole validation split
     * @param valLoss         the same for the tuned model
     * @param countedFraction share of target positions that count in the loss (not −100) in training epoch 0
     */
    public record Result(InstructionModel tuned, TrainResult training, double baseValLoss, double valLoss,
                         double countedFraction) {
        /** Training tokens per second counting only the targets the loss learns from. */
        public double countedTokensPerSecond() {
            return training.tokensPerSecond() * countedFraction;
        }
    }

    /**
     * Tunes a copy of {@code base} on the split's training part, validating on its validation part.
     *
     * @param runDir checkpoints and {@code metrics.csv}; null for none
     */
    public Result run(GptModel base, Tokenizer tokenizer, String baseName,
                      InstructionData.Split<Example> split, Path runDir, List<TrainingListener> listeners) {
        List<Example> trainExamples = trainLimit > 0 && trainLimit < split.train().size()
                ? split.train().subList(0, trainLimit) : split.train();
        InstructionCollate collate = collate(base.config().contextLength());
        var train = InstructionBatches.training(InstructionCollate.encodeAll(tokenizer, format, trainExamples), schedule.batchSize(), schedule.seed(),
                collate::collate);
        var validation = InstructionBatches.inOrder(InstructionCollate.encodeAll(tokenizer, format, split.validation()),
                schedule.batchSize(), collate::collate);
        double baseVal = meanLoss(base, validation);
        GptModel model = InstructionModel.copy(base, dropRate);
        try {
            ObjectMapper json = Json.MAPPER;
            ObjectNode meta = json.createObjectNode().put("kind", "instruction-tuning").put("preset", name)
                    .put("base", baseName).put("prompt_format", format.id());
            Example probe = split.validation().isEmpty() ? trainExamples.get(0) : split.validation().get(0);
            Trainer.Builder<Batch> b = Trainer.builder(model.parameters(), new LanguageModelObjective(model), train, schedule.trainConfig().build())
                    .validation(validation).meta(meta)
                    .sampler(step -> Responses.respond(model, tokenizer, format, probe.instruction(), probe.input(),
                            GenerationConfig.greedy(35)));
            if (runDir != null) b.runDir(runDir);
            listeners.forEach(b::listener);
            TrainResult result = b.build().run();
            double tunedVal = meanLoss(model, validation);
            InstructionModel tuned = new InstructionModel(model, tokenizer, format,
                    baseName + "+instruct-" + name);
            return new Result(tuned, result, baseVal, tunedVal, countedFraction(train));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Mean next-token loss over every batch of a source (evaluation mode). */
    public static double meanLoss(GptModel model, InstructionBatches<InstructionCollate.Sample, Batch> source) {
        LanguageModelObjective objective = new LanguageModelObjective(model);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            double sum = 0;
            int n = 0;
            for (Iterator<Batch> it = source.epoch(0); it.hasNext(); n++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    sum += objective.loss(scope, it.next(), false).getFloat();
                }
            }
            return sum / n;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static double countedFraction(InstructionBatches<InstructionCollate.Sample, Batch> source) {
        long counted = 0, all = 0;
        for (Iterator<Batch> it = source.epoch(0); it.hasNext(); ) {
            Batch batch = it.next();
            counted += InstructionCollate.countedTargets(batch);
            all += batch.tokenCount();
        }
        return all == 0 ? 0 : (double) counted / all;
    }

    /**
     * What decides the tuned weights: these settings, the trainer's configuration they make (optimizer,
     * decay policy, schedule), the base model's weights (their sha256) and the library version.
     */
    public ModelRecipe recipe(GptModel base) {
        return ModelRecipe.of("instruction-tuning").with("settings", this).with("train", schedule.trainConfig().build())
                .with("base weights sha256", ModelRecipe.weightsSha256(base));
    }

    /**
     * The metadata to save a tuned model with, so that {@link #loadOrTune} can tell whether it fits:
     * the base model's name, the preset, the validation loss and the {@link #recipe}.
     */
    public Map<String, Object> savedInfo(TrainedModel base, Result result) {
        return savedInfo(base, result, recipe(base.model()));
    }

    private Map<String, Object> savedInfo(TrainedModel base, Result result, ModelRecipe recipe) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("base", base.source());
        info.put("preset", name);
        info.put("val_loss", result.valLoss());
        info.put(ModelRecipe.FIELD, recipe.entries());
        return info;
    }

    /**
     * The instruction-tuned model saved in {@code dir} when it was tuned with this recipe from this
     * base; otherwise (none there, or tuned with other settings, another base or another version)
     * {@code base} tuned with these settings and saved there: how the DPO notebook gets its starting
     * point. The log says which it was, and why a saved model was not used.
     */
    public InstructionModel loadOrTune(Path dir, String base, PrintStream log) throws IOException {
        try (TrainedModel start = BaseModels.load(base, log)) {
            ModelRecipe wanted = recipe(start.model());
            if (Files.isRegularFile(dir.resolve(InstructionModel.INFO_FILE))) {
                String mismatch = wanted.mismatch(dir);
                if (mismatch.isEmpty()) {
                    InstructionModel m = InstructionModel.load(dir, null, 0.0);
                    log.println("instruction-tuned model: " + m.name() + " from " + dir);
                    return m;
                }
                log.println("instruction-tuned model in " + dir + " does not fit: " + mismatch + "; tuning " + base
                        + " again with preset " + name);
            } else {
                log.println("instruction-tuned model: none in " + dir + " yet; tuning " + base + " with preset " + name);
            }
            Result r = run(start.model(), start.tokenizer(), base, InstructionData.split(InstructionData.load()),
                    null, List.of());
            r.tuned().save(dir, savedInfo(start, r, wanted)); // the base is unchanged: its weights need no second hash
            log.printf("validation loss %.3f -> %.3f; saved to %s%n", r.baseValLoss(), r.valLoss(), dir);
            return r.tuned();
        }
    }

    /** Where notebooks keep the instruction-tuned version of a base model (the user cache). */
    public static Path cachedModelDir(String base) {
        return org.llmworkbench.datasets.Datasets.cacheDir().resolve("models").resolve("instruct-" + base);
    }

    /** The prompt a model of this preset is asked with. */
    public String prompt(Example example) {
        return InstructionPrompts.prompt(format, example);
    }
}
