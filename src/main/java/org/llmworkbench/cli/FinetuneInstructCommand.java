package org.llmworkbench.cli;

import org.llmworkbench.Json;
import org.llmworkbench.datasets.FileChecksums;
import org.llmworkbench.data.InstructionPrompts.Example;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.data.ResponsesFile;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.finetune.InstructionData;
import org.llmworkbench.finetune.InstructionTuning;
import org.llmworkbench.finetune.Responses;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.train.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.llmworkbench.cli.InstructionModels.round;

/**
 * {@code workbench finetune instruct}: instruction-tune a base model (the book's chapter 7), save it
 * as a model directory, answer every test instruction; ends with one JSON line.
 */
@Command(name = "instruct", mixinStandardHelpOptions = true,
        description = "Instruction-tune a base model; writes OUT/model, OUT/metrics.csv, OUT/responses-test.json, "
                + "OUT/run-card.json and ends with one JSON line.")
public final class FinetuneInstructCommand implements Callable<Integer> {

    @Option(names = "--base", description = "Base model: a GPT-2 directory, or gpt2, gpt2-medium, workshop-base, "
            + "workshop-base-smoke (default: the preset's).")
    String base;

    @Mixin
    InstructionDataOption data;

    @Option(names = "--out", required = true, description = "Run directory.")
    Path out;

    @Option(names = "--preset", defaultValue = "workshop", description = "The recipe: book (GPT-2 medium, AdamW lr 5e-5, the book's chapter 7) or workshop (workshop-base, lr 1e-3); both 2 epochs, batch 8, wd 0.1 (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--format", description = "Prompt format: alpaca (default) or phi3.")
    String format;

    @Option(names = "--mask-prompt", description = "Learn only the answers (prompt targets set to -100).")
    boolean maskPrompt;

    @Mixin
    TuningOptions tuning;

    @Option(names = "--responses", defaultValue = "110", description = "Answer the first N test instructions (0: none; default all ${DEFAULT-VALUE}).")
    int responses;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "Answer length limit (default ${DEFAULT-VALUE}, the book's).")
    int maxNewTokens;

    @Override
    public Integer call() throws Exception {
        if (responses < 0) throw new IllegalArgumentException("--responses must be >= 0 (0: none), got " + responses);
        InstructionTuning settings = InstructionTuning.preset(preset);
        if (format != null) settings = settings.withFormat(Format.parse(format));
        if (maskPrompt) settings = settings.withMaskPrompt(true);
        settings = tuning.applyTo(settings);
        if (tuning.trainLimit != null) settings = settings.withTrainLimit(tuning.trainLimit);
        Path dataFile = data.file();
        InstructionData.Split<Example> split = InstructionData.split(InstructionData.load(dataFile));
        System.out.printf("instruction data %s: %d train / %d test / %d validation%n", dataFile,
                split.train().size(), split.test().size(), split.validation().size());
        long t0 = System.nanoTime();
        String baseSpec = base != null ? base : settings.baseModel();
        try (TrainedModel start = InstructionModels.base(baseSpec, System.out)) {
            ProgressLine progress = new ProgressLine(System.out, System.console() != null);
            String baseName = Path.of(baseSpec).getFileName().toString();
            InstructionTuning.Result r = settings.run(start.model(), start.tokenizer(), baseName, split, out, List.of(progress));
            try (var tuned = r.tuned()) {
                Path modelDir = out.resolve("model");
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("base", start.source());
                info.put("preset", settings.name());
                info.put("mask_prompt", settings.maskPrompt());
                info.put("val_loss", round(r.valLoss()));
                tuned.save(modelDir, info);
                Path responsesFile = null;
                Files.deleteIfExists(out.resolve("responses-test.json")); // an earlier run's answers are not this model's
                if (responses > 0) {
                    List<Example> questions = split.test().subList(0, Math.min(responses, split.test().size()));
                    List<ModelResponse> records = Responses.generate(tuned.model(), tuned.tokenizer(), tuned.format(),
                            questions, GenerationConfig.greedy(maxNewTokens), tuned.name(), null, 0, 0, null);
                    responsesFile = out.resolve("responses-test.json");
                    ResponsesFile.write(responsesFile, records);
                }
                Map<String, Object> card = new LinkedHashMap<>();
                card.put("command", "finetune instruct");
                card.put("preset", settings.name());
                card.put("base", start.source());
                card.put("format", settings.format().id());
                card.put("mask_prompt", settings.maskPrompt());
                card.put("steps", r.training().steps());
                card.put("tokens", r.training().tokens());
                card.put("base_val_loss", round(r.baseValLoss()));
                card.put("val_loss", round(r.valLoss()));
                card.put("train_loss", round(r.training().trainLoss()));
                card.put("tokens_per_s", Math.round(r.training().tokensPerSecond()));
                card.put("counted_fraction", round(r.countedFraction()));
                card.put("counted_tokens_per_s", Math.round(r.countedTokensPerSecond()));
                card.put("train_s", round(r.training().wallSeconds()));
                card.put("wall_s", round((System.nanoTime() - t0) / 1e9));
                card.put("model_dir", modelDir.toString());
                card.put("responses", responsesFile == null ? null : responsesFile.toString());
                card.put("seed", settings.schedule().seed());
                card.put("threads", Runtime.getRuntime().availableProcessors());
                RunCardFile.write(out, "finetune instruct " + settings.name(), card,
                        Map.of("base", start.source(), "format", settings.format().id(), "seed", String.valueOf(settings.schedule().seed())),
                        Map.of(data.data, FileChecksums.sha256(dataFile)), r.training().stopped(), (System.nanoTime() - t0) / 1e9);
                System.out.println(Json.MAPPER.writeValueAsString(card));
                return r.training().stopped() ? 130 : 0;
            }
        }
    }
}
