package org.llmworkbench.cli;

import org.llmworkbench.finetune.InstructionModel;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code --model}, {@code --format} and {@code --max-new-tokens}: how the commands that answer
 * instructions ({@code chat}, {@code respond}) name the model and bound its answers (a picocli
 * {@code @Mixin}).
 */
final class AnswerOptions {

    @Option(names = "--model", required = true, description = "Instruction-tuned model directory, or a base model "
            + "(a GPT-2 directory or gpt2, gpt2-medium, workshop-base, ...) prompted in --format (respond can add --shots examples).")
    String model;

    @Option(names = "--format", description = "Prompt format for a base model: alpaca (default) or phi3.")
    String format;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "Answer length limit (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    /** The model these options name (see {@link InstructionModels#open}); notes go to {@code log}. */
    InstructionModel open(PrintStream log) throws IOException {
        return InstructionModels.open(model, format, log);
    }
}
