package org.llmworkbench.cli;

import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.TokenCodec;
import org.llmworkbench.train.TrainedModel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --model}, {@code --seed} and {@code --device}: how every command that runs a model names it
 * (a picocli {@code @Mixin}, so they read the same everywhere).
 */
public final class ModelOptions {

    @Option(names = "--model", required = true,
            description = "Preset (random weights from --seed: gpt2-small, workshop-tiny, ...), workshop-base "
                    + "(the small base the workbench pretrains itself), or a GPT-2 checkpoint directory (config.json + "
                    + "model.safetensors; the tokenizer is the one its workbench.json names, else GPT-2's).")
    String model;

    @Option(names = "--seed", defaultValue = "123", description = "Seed for random weights and sampling (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption deviceOption;

    /**
     * The model these options name (see {@link CliModels#open}). A preset's weights are random, which
     * is said on stderr: {@code gpt2-medium} here is GPT-2 medium's shape, not OpenAI's weights.
     */
    GptModel open() throws IOException {
        if (GptConfig.isPreset(model)) System.err.println(presetNote(model, seed));
        return CliModels.open(model, seed, deviceOption.choose());
    }

    /**
     * What stderr says when {@code --model} names a preset: its weights are random. For GPT-2's shapes
     * it names the folder OpenAI's weights would be in; the workshop shapes have no published weights.
     */
    static String presetNote(String preset, long seed) {
        String trained = preset.startsWith("gpt2")
                ? "OpenAI's in $WORKBENCH_DATA_DIR/" + (preset.equals("gpt2-small") ? "gpt2" : preset)
                : "a pretrain run's hf/";
        return "note: --model " + preset + " is a preset: random weights (seed " + seed
                + "); for trained weights give a model folder (e.g. " + trained + ") or workshop-base";
    }

    /**
     * The tokenizer of the model these options name: for a model directory the one its
     * {@code workbench.json} names (GPT-2's when it names none), for a preset GPT-2's.
     */
    TokenCodec tokenizer() throws IOException {
        Path dir = Path.of(model);
        if (!GptConfig.isPreset(model) && Files.isDirectory(dir)) return CliModels.codec(TrainedModel.tokenizerOf(dir));
        return CliModels.gpt2Tokenizer();
    }

    /**
     * {@link #tokenizer()} where it can be had, else empty (a preset without GPT-2's tokenizer files):
     * commands given token ids then print ids. A model directory's broken tokenizer is still an error.
     */
    Optional<TokenCodec> tokenizerIfAvailable() throws IOException {
        if (!GptConfig.isPreset(model) && Files.isDirectory(Path.of(model))) return Optional.of(tokenizer());
        return CliModels.gpt2TokenizerIfAvailable();
    }
}
