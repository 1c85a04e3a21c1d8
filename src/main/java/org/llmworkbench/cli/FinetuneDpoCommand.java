package org.llmworkbench.cli;

import org.llmworkbench.Json;
import org.llmworkbench.datasets.FileChecksums;
import org.llmworkbench.finetune.DpoObjective;
import org.llmworkbench.finetune.DpoTuning;
import org.llmworkbench.finetune.InstructionData;
import org.llmworkbench.finetune.InstructionModel;
import org.llmworkbench.finetune.PreferenceData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.llmworkbench.cli.InstructionModels.round;

/**
 * {@code workbench finetune dpo}: preference-tune an instruction-tuned model with DPO; reports
 * rewards, margin and preference accuracy before and after, saves OUT/model; ends with one JSON line.
 */
@Command(name = "dpo", mixinStandardHelpOptions = true,
        description = "DPO on preference data ({instruction, input, chosen, rejected}); writes OUT/model, OUT/metrics.csv, "
                + "OUT/run-card.json and ends with one JSON line.")
public final class FinetuneDpoCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Instruction-tuned model directory (from finetune instruct).")
    String model;

    @Option(names = "--data", defaultValue = "instruction-data-with-preference",
            description = "Dataset name or JSON file (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--out", required = true, description = "Run directory.")
    Path out;

    @Option(names = "--preset", defaultValue = "workshop", description = "The recipe: book (GPT-2 context 1024) or workshop (the model's context); both AdamW lr 5e-6, wd 0.01, beta 0.1, 1 epoch (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--beta", description = "DPO beta (default 0.1).")
    Double beta;

    @Mixin
    TuningOptions tuning;

    @Override
    public Integer call() throws Exception {
        DpoTuning settings = DpoTuning.preset(preset);
        if (beta != null) settings = settings.withBeta(beta);
        settings = tuning.applyTo(settings);
        if (tuning.trainLimit != null) settings = settings.withTrainLimit(tuning.trainLimit);
        Path dataFile = InstructionModels.data(data);
        InstructionData.Split<PreferenceData.Example> split = InstructionData.split(PreferenceData.load(dataFile));
        System.out.printf("preference data %s: %d train / %d test / %d validation%n", dataFile,
                split.train().size(), split.test().size(), split.validation().size());
        long t0 = System.nanoTime();
        try (InstructionModel start = InstructionModels.open(model, null, System.out)) {
            ProgressLine progress = new ProgressLine(System.out, System.console() != null);
            DpoTuning.Result r = settings.run(start, split, out, List.of(progress));
            try (InstructionModel tuned = r.tuned()) {
                Path modelDir = out.resolve("model");
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("start", start.name());
                info.put("beta", settings.beta());
                info.put("val_accuracy", round(r.valAfter().accuracy()));
                info.put("val_margin", round(r.valAfter().margin()));
                tuned.save(modelDir, info);
                Map<String, Object> card = new LinkedHashMap<>();
                card.put("command", "finetune dpo");
                card.put("model", start.name());
                card.put("beta", settings.beta());
                card.put("learning_rate", settings.schedule().learningRate());
                card.put("steps", r.training().steps());
                card.put("tokens", r.training().tokens());
                put(card, "train_before", r.trainBefore());
                put(card, "val_before", r.valBefore());
                put(card, "train_after", r.trainAfter());
                put(card, "val_after", r.valAfter());
                card.put("tokens_per_s", Math.round(r.training().tokensPerSecond()));
                card.put("wall_s", round((System.nanoTime() - t0) / 1e9));
                card.put("model_dir", modelDir.toString());
                card.put("seed", settings.schedule().seed());
                RunCardFile.write(out, "finetune dpo " + preset, card,
                        Map.of("model", start.name(), "beta", String.valueOf(settings.beta()), "seed", String.valueOf(settings.schedule().seed())),
                        Map.of(data, FileChecksums.sha256(dataFile)), r.training().stopped(), (System.nanoTime() - t0) / 1e9);
                System.out.println(Json.MAPPER.writeValueAsString(card));
                return r.training().stopped() ? 130 : 0;
            }
        }
    }

    private static void put(Map<String, Object> card, String key, DpoObjective.Evaluation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", round(e.loss()));
        m.put("chosen_reward", round(e.chosenReward()));
        m.put("rejected_reward", round(e.rejectedReward()));
        m.put("margin", round(e.margin()));
        m.put("accuracy", round(e.accuracy()));
        m.put("examples", e.examples());
        card.put(key, m);
    }
}
