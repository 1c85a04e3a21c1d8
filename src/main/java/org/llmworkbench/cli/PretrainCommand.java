package org.llmworkbench.cli;

import org.llmworkbench.Json;
import org.llmworkbench.data.Batch;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.PretrainedGpt2;
import org.llmworkbench.train.Checkpoint;
import org.llmworkbench.train.Checkpoints;
import org.llmworkbench.train.PretrainPreset;
import org.llmworkbench.train.Pretraining;
import org.llmworkbench.train.TrainConfig;
import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.TrainedModel;
import org.llmworkbench.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench pretrain}: train a GPT from scratch (or continue one) with a named preset, with
 * checkpoints, exact resume and a Hugging Face export; ends with one JSON line. The first Ctrl-C
 * stops at the next step boundary and saves a checkpoint; a second one exits at once.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a GPT with a preset (verdict-book, verdict-workshop, shakespeare-char, shakespeare-bpe, "
                + "workshop-base); ends with one JSON line.")
public final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "verdict-workshop", description = "Recipe: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).",
            completionCandidates = PresetNames.class)
    String preset;

    @Option(names = "--data", description = "Dataset name(s) from the manifest or a text file, instead of the preset's.", split = ",")
    List<String> data;

    @Option(names = "--tokenizer", description = "gpt2, char or bpe:N instead of the preset's.")
    String tokenizer;

    @Option(names = "--config", description = "Model preset (gpt2-small, workshop-tiny, ...) instead of the preset's shape.")
    String config;

    @Option(names = "--out", required = true, description = "Run directory: checkpoints/, metrics.csv, run-card.json, hf/.")
    Path out;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.")
    boolean resume;

    @Option(names = "--resume-from", description = "Continue from this checkpoint JSON.")
    Path resumeFrom;

    @Option(names = "--init", description = "Start from a Hugging Face GPT-2 directory (continue pretraining GPT-2).")
    Path init;

    @Option(names = "--steps", description = "Optimizer steps, >= 1 (replaces the preset's epoch/step limit; not with --epochs).")
    Long steps;

    @Option(names = "--epochs", description = "Epochs, >= 1 (replaces the preset's limit; not with --steps).")
    Integer epochs;

    @Option(names = "--lr", description = "Peak learning rate (> 0).")
    Double lr;

    @Option(names = "--batch-size", description = "Windows per batch.")
    Integer batchSize;

    @Option(names = "--eval-every", description = "Evaluate every N steps.")
    Integer evalEvery;

    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps (default: 4 × the preset's evaluation interval, which --eval-every does not change; "
            + "0: only at the end; always at the end).")
    Integer checkpointEvery;

    @Option(names = "--seed", description = "Seed for weights, shuffling and dropout.")
    Long seed;

    @Mixin
    DeviceOption deviceOption;

    @Option(names = "--no-export", description = "Skip the Hugging Face export (hf/) at the end.")
    boolean noExport;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PretrainPreset p = PretrainPreset.named(preset);
        if (data != null) p = p.withDatasets(data, tokenizer != null ? tokenizer : p.tokenizer());
        else if (tokenizer != null) p = p.withDatasets(p.datasets(), tokenizer);
        if (config != null) {
            GptConfig shape = GptConfig.preset(config);
            p = p.withModel(shape.withContextLength(Math.min(shape.contextLength(), p.model().contextLength() * 4)));
        }
        if (batchSize != null) p = p.withBatchSize(batchSize);
        TrainConfig.Builder tb = p.train().toBuilder();
        if (steps != null) tb.maxSteps(steps).maxEpochs(0);
        if (epochs != null) tb.maxEpochs(epochs).maxSteps(0);
        if (lr != null) tb.learningRate(lr);
        if (evalEvery != null) tb.evalEvery(evalEvery);
        if (seed != null) tb.seed(seed);
        tb.checkpointEvery(checkpointEvery != null ? checkpointEvery : Math.max(0, p.train().evalEvery() * 4));
        p = p.withTrain(tb.build());

        Pretraining run = Pretraining.prepare(p);
        Checkpoint from = null;
        if (resumeFrom != null) from = Checkpoints.read(resumeFrom);
        else if (resume) from = new Checkpoints(out).latest();

        System.out.printf("preset %s: %,d train / %,d validation tokens, tokenizer %s (vocabulary %,d), model %s%n",
                p.name(), run.trainTokens(), run.valTokens(), p.tokenizer(), run.tokenizer().vocabSize(), p.model());
        try (GptModel model = init != null ? PretrainedGpt2.load(init, deviceOption.choose()) : run.newModel(deviceOption.choose())) {
            String misfit = init == null ? null : run.misfit(model.config());
            if (misfit != null) {
                throw new IllegalArgumentException("--init " + init + ": " + misfit + "; start from a model that fits the run, "
                        + "or choose the run's windows and tokenizer to fit it (--preset, --config, --tokenizer)");
            }
            if (from != null) {
                run.checkResumable(from, model.config(), "use the --preset, --config, --tokenizer, --data (and --init) "
                        + "it was written with to resume");
            }
            ProgressLine progress = new ProgressLine(System.out, System.console() != null);
            Trainer<Batch> trainer = run.trainer(model, out, from, progress);
            installCtrlC(trainer);
            long t0 = System.nanoTime();
            TrainResult r = trainer.run();
            Path hf = null;
            if (!noExport && !r.stopped()) {
                hf = out.resolve("hf");
                new TrainedModel(model, run.tokenizer(), "pretrained with preset " + p.name()).saveHuggingFace(hf, run.meta());
            }
            Map<String, Object> card = new LinkedHashMap<>();
            card.put("command", "pretrain");
            card.put("preset", p.name());
            card.put("steps", r.steps());
            card.put("tokens", r.tokens());
            card.put("train_loss", round(r.trainLoss()));
            card.put("val_loss", round(r.valLoss()));
            card.put("best_val_loss", round(r.bestValLoss()));
            card.put("tokens_per_s", Math.round(r.tokensPerSecond()));
            card.put("wall_s", round((System.nanoTime() - t0) / 1e9));
            card.put("stopped", r.stopped());
            card.put("checkpoint", r.checkpoint() == null ? null : r.checkpoint().toString());
            card.put("hf_dir", hf == null ? null : hf.toString());
            card.put("seed", p.train().seed());
            card.put("threads", Runtime.getRuntime().availableProcessors());
            card.put("datasets", run.datasetSha256());
            String json = Json.MAPPER.writeValueAsString(card);
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("seed", String.valueOf(p.train().seed()));
            parameters.put("device", org.llmworkbench.model.Devices.name(model.device()));
            parameters.put("model", p.model().toString());
            parameters.put("tokenizer", p.tokenizer());
            RunCardFile.write(out, "pretrain " + p.name(), card, parameters, run.datasetSha256(), r.stopped(),
                    (System.nanoTime() - t0) / 1e9);
            System.out.println(json);
            return r.stopped() ? 130 : 0;
        }
    }

    /** What the options alone can tell is wrong, checked before anything is read or written. */
    private void checkOptions() throws java.io.IOException {
        if (steps != null && epochs != null) {
            throw new IllegalArgumentException("--steps and --epochs are mutually exclusive: each replaces the preset's limit, give one");
        }
        if (steps != null && steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (epochs != null && epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        if (lr != null && !(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (resume && resumeFrom != null) {
            throw new IllegalArgumentException("--resume and --resume-from are mutually exclusive: give one");
        }
        for (String name : data == null ? List.<String>of() : data) {
            Path file = Path.of(name);
            if (Pretraining.looksLikeAFile(name) && !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--data " + name + ": " + (Files.exists(file) ? "not a file" : "no such file")
                        + " (a text file of one's own, or a dataset name from the manifest: workbench datasets list)");
            }
        }
        if (!resume && resumeFrom == null) {
            new Checkpoints(out).requireNoneBeforeAFreshRun("use --resume to continue its newest checkpoint, --resume-from "
                    + "to continue a given one, or another (or an empty) --out");
        }
    }

    private static Double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10_000) / 10_000.0 : null;
    }

    /** First Ctrl-C: stop at the next step boundary (with a checkpoint). Second: exit now. */
    private static void installCtrlC(Trainer<?> trainer) {
        try {
            boolean[] once = {false};
            Signal.handle(new Signal("INT"), sig -> {
                if (once[0]) {
                    System.err.println("\nsecond Ctrl-C: exiting now (the last checkpoint is kept)");
                    Runtime.getRuntime().halt(130);
                }
                once[0] = true;
                System.err.println("\nCtrl-C: stopping after this step and saving a checkpoint (Ctrl-C again to exit now)");
                trainer.requestStop();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no signal support on this platform: Ctrl-C ends the JVM as usual
        }
    }

    static final class PresetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return PretrainPreset.names().iterator();
        }
    }
}
