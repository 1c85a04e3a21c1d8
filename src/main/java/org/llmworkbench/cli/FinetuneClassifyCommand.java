package org.llmworkbench.cli;

import org.llmworkbench.data.SmsSpam;
import org.llmworkbench.finetune.ClassifierTraining;
import org.llmworkbench.finetune.FinetuneMode;
import org.llmworkbench.finetune.LoraConfig;
import org.llmworkbench.finetune.SpamClassifier;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.train.BaseModels;
import org.llmworkbench.train.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench finetune classify}: the book's chapter 6 from the command line. Loads a base
 * model, fine-tunes a spam classifier on the balanced SMS split, saves it as one directory and
 * ends with one JSON line of accuracies, F1 and wall time.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Fine-tune a spam classifier on the balanced SMS split and save it to --out. Ends with one JSON line.",
        footer = "%nThe recipe (the book's chapter 6): 5 epochs, batch size 8, AdamW at 5e-5 (8e-4 in lora mode), weight decay 0.1, "
                + "seed 123 (it also draws the split, the new head, LoRA's adapters and --random-init's weights).")
public final class FinetuneClassifyCommand implements Callable<Integer> {

    @Option(names = "--base", defaultValue = "gpt2",
            description = "gpt2, gpt2-medium, …, workshop-base, workshop-base-smoke, or a Hugging Face GPT-2 directory (default ${DEFAULT-VALUE}; offline falls back to workshop-base).")
    String base;

    @Option(names = "--data", defaultValue = SmsSpam.DATASET, description = "Dataset: sms-spam, or a directory with train.csv, validation.csv, test.csv (label,text).")
    String data;

    @Option(names = "--out", required = true, description = "Directory to save the classifier into.")
    Path out;

    @Option(names = "--mode", defaultValue = "last-block", description = "last-block, full or lora (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--blocks", defaultValue = "1", description = "Trainable last blocks in last-block mode (default ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--lora-rank", defaultValue = "16", description = "LoRA rank (default ${DEFAULT-VALUE}).")
    int loraRank;

    @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA alpha; adapters are scaled by alpha/rank, or by alpha with --lora-style book (default ${DEFAULT-VALUE}).")
    double loraAlpha;

    @Option(names = "--lora-style", defaultValue = "peft", description = "peft (A uniform in ±1/sqrt(in), scale alpha/rank) or book "
            + "(the book's appendix E LoRALayer: A uniform in ±1/sqrt(rank), scale alpha) (default ${DEFAULT-VALUE}).")
    String loraStyle;

    @Mixin
    TuningOptions tuning;

    @Option(names = "--random-init", description = "Same architecture as the base, random weights (does pretraining help?).")
    boolean randomInit;

    @Override
    public Integer call() throws Exception {
        FinetuneMode m = FinetuneMode.parse(mode);
        ClassifierTraining.Settings recipe = ClassifierTraining.Settings.book().withMode(m).withTrainableBlocks(blocks)
                .withLora(new LoraConfig(loraRank, loraAlpha, LoraConfig.parseStyle(loraStyle)));
        if (m == FinetuneMode.LORA) recipe = recipe.withLearningRate(8e-4);
        ClassifierTraining.Settings settings = tuning.applyTo(recipe);
        long seed = settings.schedule().seed();
        if (tuning.trainLimit != null && tuning.trainLimit < 0) {
            throw new IllegalArgumentException("--train-limit must be >= 0 (0 = all), got " + tuning.trainLimit);
        }
        long t0 = System.nanoTime();
        TrainedModel baseModel = loadBase(base);
        GptModel model = baseModel.model();
        String source = baseModel.source();
        if (randomInit) {
            model = GptModel.create(baseModel.model().config(), seed);
            baseModel.model().close();
            source = "random weights, shape of " + source;
        }
        SmsSpam.Split split = Files.isDirectory(Path.of(data)) ? SmsSpam.Split.load(Path.of(data)) : splitOf(data, seed);
        SpamClassifier.Data d = SpamClassifier.data(split, baseModel.tokenizer(), model.config().contextLength());
        if (tuning.trainLimit != null) d = d.withTrainingMessages(tuning.trainLimit);
        System.out.printf("base: %s%nsplit: %,d train / %,d validation / %,d test messages; mode %s%n", source,
                d.train().size(), d.validation().size(), d.test().size(), m.cliName());
        SpamClassifier.Outcome o = SpamClassifier.finetune(model, "gpt2", d, settings, List.of(new ProgressLine(System.out, System.console() != null)));
        try {
            Map<String, String> info = new java.util.LinkedHashMap<>(Map.of("base", source, "mode", m.cliName(),
                    "epochs", String.valueOf(settings.schedule().epochs()),
                    "learning_rate", String.valueOf(settings.schedule().learningRate()), "seed", String.valueOf(seed)));
            LoraConfig lora = settings.lora();
            if (m == FinetuneMode.LORA) {
                info.put("lora", "rank " + lora.rank() + ", alpha " + lora.alpha() + ", style " + lora.style().name().toLowerCase()
                        + " (scale " + lora.scale() + ")");
            }
            o.classifier().save(out, info);
            System.out.printf("accuracy before: train %.2f%%, validation %.2f%%, test %.2f%%%n", 100 * o.before()[0],
                    100 * o.before()[1], 100 * o.before()[2]);
            System.out.printf("accuracy after:  train %.2f%%, validation %.2f%%, test %.2f%%; saved to %s%n",
                    100 * o.train().accuracy(), 100 * o.validation().accuracy(), 100 * o.test().accuracy(), out);
            JsonLine line = JsonLine.command("finetune classify").put("base", source).put("mode", m.cliName());
            if (m == FinetuneMode.LORA) line.put("lora_style", lora.style().name().toLowerCase()).put("lora_scale", lora.scale());
            line.put("trainable_parameters", o.training().trainable())
                    .put("steps", o.training().training().steps())
                    .put("train_accuracy", round(o.train().accuracy()))
                    .put("val_accuracy", round(o.validation().accuracy()))
                    .put("test_accuracy", round(o.test().accuracy()))
                    .put("test_f1_spam", round(o.test().f1(1)))
                    .put("test_accuracy_before", round(o.before()[2]))
                    .put("tokens_per_s", Math.round(o.training().training().tokensPerSecond()))
                    .put("wall_s", round((System.nanoTime() - t0) / 1e9))
                    .put("out", out.toString())
                    .println(System.out);
            return 0;
        } finally {
            o.classifier().close();
        }
    }

    static TrainedModel loadBase(String base) throws java.io.IOException {
        Path dir = Path.of(base);
        if (Files.isDirectory(dir)) return TrainedModel.fromHuggingFace(dir);
        return BaseModels.load(base);
    }

    private static SmsSpam.Split splitOf(String name, long seed) {
        if (!name.equals(SmsSpam.DATASET)) {
            throw new IllegalArgumentException("unknown --data '" + name + "': use sms-spam or a directory with train.csv, validation.csv, test.csv");
        }
        return SmsSpam.bookSplit(seed);
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
