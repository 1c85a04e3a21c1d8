package org.llmworkbench.cli;

import org.llmworkbench.finetune.TuningRecipe;
import picocli.CommandLine.Option;

/**
 * {@code --epochs}, {@code --steps}, {@code --lr}, {@code --batch-size}, {@code --seed} and
 * {@code --train-limit}: how the commands that tune a model on instructions ({@code finetune instruct},
 * {@code finetune dpo}) change their preset's schedule (a picocli {@code @Mixin}). An option left out
 * keeps the preset's value.
 */
final class TuningOptions {

    @Option(names = "--epochs", description = "Epochs (default: the preset's).")
    Integer epochs;

    @Option(names = "--steps", description = "Stop after this many optimizer steps.")
    Long steps;

    @Option(names = "--lr", description = "Learning rate (default: the preset's).")
    Double lr;

    @Option(names = "--batch-size", description = "Examples per step (default: the preset's, 8).")
    Integer batchSize;

    @Option(names = "--train-limit", description = "Use only the first N training examples (smoke runs).")
    Integer trainLimit;

    @Option(names = "--seed", description = "Shuffling seed (default: the preset's, 123).")
    Long seed;

    /** {@code recipe} with the schedule options given replacing its own ({@code --train-limit} is the recipe's to apply). */
    <R extends TuningRecipe<R>> R applyTo(R recipe) {
        if (epochs != null) recipe = recipe.withEpochs(epochs);
        if (steps != null) recipe = recipe.withMaxSteps(steps);
        if (lr != null) recipe = recipe.withLearningRate(lr);
        if (batchSize != null) recipe = recipe.withBatchSize(batchSize);
        if (seed != null) recipe = recipe.withSeed(seed);
        return recipe;
    }
}
