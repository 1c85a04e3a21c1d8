package org.llmworkbench.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --data}: the instruction data that {@code respond} answers and {@code finetune instruct}
 * trains on (a picocli {@code @Mixin}, so both read it the same way).
 */
final class InstructionDataOption {

    @Option(names = "--data", defaultValue = "instruction-data", description = "Dataset name or JSON file (default ${DEFAULT-VALUE}).")
    String data;

    /** The JSON file these options name: a file given as such, else the manifest's dataset of that name. */
    Path file() {
        return InstructionModels.data(data);
    }
}
