package org.llmworkbench.cli;

import org.llmworkbench.finetune.ClassifierTraining;
import org.llmworkbench.finetune.FinetuneMode;
import org.llmworkbench.finetune.LoraConfig;
import org.llmworkbench.finetune.SpamClassifier;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.Tokenizers;
import org.llmworkbench.train.PretrainPreset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code workbench bench finetune}: spam-classifier training throughput (message tokens per second,
 * padding excluded) for the three ways to fine-tune, on real SMS batches of the balanced split. The
 * weights are random (throughput does not depend on them); each mode first runs a few untimed steps.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Classifier training tokens/s: last-block vs full vs LoRA. Ends with one JSON line.")
public final class BenchFinetuneCommand implements Callable<Integer> {

    @Option(names = "--shape", defaultValue = "workshop-base",
            description = "Model shape: workshop-base (the offline base's shape) or a model preset such as gpt2-small (default ${DEFAULT-VALUE}).")
    String shape;

    @Mixin
    TimedStepsOptions timing;

    @Option(names = "--batch-size", defaultValue = "8", description = "Messages per batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lora-rank", defaultValue = "16", description = "LoRA rank (default ${DEFAULT-VALUE}).")
    int loraRank;

    @Override
    public Integer call() throws Exception {
        timing.check();
        GptConfig config = GptConfig.isPreset(shape) ? GptConfig.preset(shape) : PretrainPreset.named(shape).model();
        SpamClassifier.Data data = SpamClassifier.data(Tokenizers.forName("gpt2"), config.contextLength(), 123);
        JsonLine json = JsonLine.startingWith("bench", "finetune")
                .put("shape", shape)
                .put("batch_size", batchSize)
                .put("steps", timing.steps)
                .put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()))
                .put("blas", org.llmworkbench.model.NativeBlas.describe());
        for (FinetuneMode mode : FinetuneMode.values()) {
            ClassifierTraining.Settings s = ClassifierTraining.Settings.book().withMode(mode).withLora(new LoraConfig(loraRank, loraRank))
                    .withEpochs(1).withBatchSize(batchSize).withEval(0, 0);
            if (timing.warmup > 0) run(config, data.withTrainingMessages(timing.warmup * batchSize), s);
            ClassifierTraining.Result r = run(config, data.withTrainingMessages(timing.steps * batchSize), s);
            double rate = r.training().tokensPerSecond();
            System.out.printf("%-10s %,12d trainable  %,8.0f tokens/s%n", mode.cliName(), r.trainable(), rate);
            json.put(mode.cliName().replace('-', '_') + "_tokens_per_s", Math.round(rate));
            json.put(mode.cliName().replace('-', '_') + "_trainable", r.trainable());
        }
        json.println(System.out);
        return 0;
    }

    private static ClassifierTraining.Result run(GptConfig config, SpamClassifier.Data data, ClassifierTraining.Settings s) {
        try (var classifier = new org.llmworkbench.finetune.GptClassifier(GptModel.create(config, 1), 2, 2)) {
            return ClassifierTraining.train(classifier, data.train(), null, s.withAccuracyExamples(1), List.of());
        }
    }
}
