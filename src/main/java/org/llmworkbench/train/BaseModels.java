package org.llmworkbench.train;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.io.HfGpt2Layout;
import org.llmworkbench.model.io.HfHub;
import org.llmworkbench.text.Tokenizers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The starting points of the fine-tuning notebooks, by name, and always saying which one was returned:
 *
 * <ul>
 *   <li>{@code gpt2}, {@code gpt2-medium}, …: OpenAI's weights from {@code $WORKBENCH_DATA_DIR/NAME}
 *       (a Hugging Face GPT-2 directory), else from the Hugging Face hub when it is reachable, else
 *       the {@code workshop-base} model below (the offline fallback);</li>
 *   <li>{@code workshop-base}: a small GPT-2-vocabulary model the workbench pretrains itself on
 *       tinyshakespeare + the-verdict (preset {@code workshop-base}), cached under
 *       {@code ~/.cache/llm-workbench/models/} and trained on first use;</li>
 *   <li>{@code workshop-base-smoke}: the same pipeline with a tiny model in seconds (tests, smoke runs).</li>
 * </ul>
 */
public final class BaseModels {
    private BaseModels() {}

    public static TrainedModel load(String name) throws IOException {
        return load(name, System.out);
    }

    /** @param log where to say what happens (which model, training on first use) */
    public static TrainedModel load(String name, PrintStream log) throws IOException {
        if (name.startsWith("workshop-base")) return workshopBase(name, log);
        if (!name.startsWith("gpt2")) {
            throw new IllegalArgumentException("unknown base model '" + name + "': use gpt2, gpt2-medium, gpt2-large, gpt2-xl, "
                    + "workshop-base or workshop-base-smoke");
        }
        Optional<TrainedModel> openAi = openAiWeights(name, log);
        if (openAi.isPresent()) return openAi.get();
        String repo = repo(name);
        Path local = Datasets.dataDir() == null ? null : Datasets.dataDir().resolve(repo);
        log.println("base model: no " + repo + " weights in " + (local == null ? "the data dir (none set)" : local)
                + (Datasets.offline() ? " and downloads are off" : " or on the hub") + "; using workshop-base instead");
        return workshopBase("workshop-base", log);
    }

    /**
     * OpenAI's GPT-2 weights ({@code gpt2}, {@code gpt2-medium}, …) from {@code $WORKBENCH_DATA_DIR/NAME} or,
     * when downloads are allowed, the Hugging Face hub; empty when neither has them (no fallback).
     */
    public static Optional<TrainedModel> openAiWeights(String name, PrintStream log) throws IOException {
        String repo = repo(name);
        Path local = Datasets.dataDir() == null ? null : Datasets.dataDir().resolve(repo);
        if (local != null && Files.isRegularFile(local.resolve(HfGpt2Layout.WEIGHTS_FILE))) {
            log.println("base model: " + repo + " from " + local);
            return Optional.of(new TrainedModel(org.llmworkbench.model.PretrainedGpt2.load(local), Tokenizers.forName("gpt2"),
                    "OpenAI GPT-2 (" + repo + ") from " + local));
        }
        if (!Datasets.offline()) {
            try {
                GptModel model = org.llmworkbench.model.PretrainedGpt2.fromCheckpoint(
                        HfGpt2Layout.load("https://huggingface.co/" + repo, HfHub.defaults()), ai.djl.Device.cpu());
                log.println("base model: " + repo + " from the Hugging Face hub");
                return Optional.of(new TrainedModel(model, Tokenizers.forName("gpt2"), "OpenAI GPT-2 (" + repo + ") from the Hugging Face hub"));
            } catch (IOException | RuntimeException e) {
                log.println("base model: " + repo + " is not reachable (" + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    private static String repo(String name) {
        return name.equals("gpt2-small") ? "gpt2" : name;
    }

    /** Where {@code workshop-base} (or its smoke twin) is cached. */
    public static Path cached(String name) {
        return Datasets.cacheDir().resolve("models").resolve(name);
    }

    /**
     * What decides {@code workshop-base}'s weights: the preset (shape, data, tokenizer, batching,
     * schedule, seed), the data's sha256 from the manifest and the library version. The preset's
     * description is left out, so that rewording it does not train the model again.
     */
    public static ModelRecipe recipe(String name) {
        PretrainPreset preset = PretrainPreset.named(name);
        ModelRecipe r = ModelRecipe.of("pretraining")
                .with("preset", preset.name())
                .with("datasets", preset.datasets())
                .with("tokenizer", preset.tokenizer())
                .with("model", preset.model())
                .with("windows", "batch " + preset.batchSize() + ", stride " + preset.stride() + ", train ratio " + preset.trainRatio())
                .with("sample prompt", preset.samplePrompt())
                .with("training", preset.train());
        for (String d : preset.datasets()) {
            r = r.with("data " + d, Datasets.manifest().contains(d) ? Datasets.manifest().entry(d).sha256() : d);
        }
        return r;
    }

    private static synchronized TrainedModel workshopBase(String name, PrintStream log) throws IOException {
        PretrainPreset preset = PretrainPreset.named(name);
        Path dir = cached(name);
        ModelRecipe recipe = recipe(name);
        boolean present = Files.isRegularFile(dir.resolve(HfGpt2Layout.WEIGHTS_FILE));
        String mismatch = present ? recipe.mismatch(dir) : "";
        if (!present || !mismatch.isEmpty()) {
            log.println("base model: " + name + (present ? " in " + dir + " does not fit: " + mismatch + "; pretraining it again"
                    : " is not in " + dir + " yet: pretraining it now") + " (" + preset.description() + ")");
            Pretraining run = Pretraining.prepare(preset);
            try (GptModel model = run.newModel()) {
                TrainResult r = run.trainer(model, null, null).run();
                log.printf("base model: %s trained: %d steps, %,d tokens, train loss %.3f, val loss %.3f, %.0f s%n",
                        name, r.steps(), r.tokens(), r.trainLoss(), r.valLoss(), r.wallSeconds());
                ObjectNode extra = JsonNodeFactory.instance.objectNode();
                extra.put("preset", name).put("steps", r.steps()).put("tokens", r.tokens())
                        .put("train_loss", r.trainLoss()).put("val_loss", r.valLoss()).put("wall_seconds", r.wallSeconds());
                extra.set("data", run.meta().get("datasets"));
                extra.set(ModelRecipe.FIELD, recipe.toJson());
                new TrainedModel(model, run.tokenizer(), "workshop-base pretrained by llm-workbench").saveHuggingFace(dir, extra);
            }
        }
        TrainedModel loaded = TrainedModel.fromHuggingFace(dir);
        log.println("base model: " + name + " from " + dir + " (pretrained by llm-workbench, not OpenAI's GPT-2)");
        return new TrainedModel(loaded.model(), loaded.tokenizer(), name + " (pretrained by llm-workbench) from " + dir);
    }
}
