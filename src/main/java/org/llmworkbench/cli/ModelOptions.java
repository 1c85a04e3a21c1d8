package org.llmworkbench.cli;

import org.llmworkbench.model.GptModel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * {@code --model}, {@code --seed} and {@code --device}: how every command that runs a model names it
 * (a picocli {@code @Mixin}, so they read the same everywhere).
 */
public final class ModelOptions {

    @Option(names = "--model", required = true,
            description = "Preset (random weights from --seed: gpt2-small, workshop-tiny, ...) or a GPT-2 "
                    + "checkpoint directory (config.json + model.safetensors).")
    String model;

    @Option(names = "--seed", defaultValue = "123", description = "Seed for random weights and sampling (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption deviceOption;

    /** The model these options name (see {@link CliModels#open}). */
    GptModel open() throws IOException {
        return CliModels.open(model, seed, deviceOption.choose());
    }
}
