package org.llmworkbench.cli;

import org.llmworkbench.finetune.TuningRecipe;
import picocli.CommandLine.Option;

/**
 * {@code --epochs}, {@code --steps}, {@code --lr}, {@code --weight-decay}, {@code --batch-size},
 * {@code --seed} and {@code --train-limit}: how the fine-tuning commands ({@code finetune classify},
 * {@code finetune instruct}, {@code finetune dpo}) change their recipe's schedule (a picocli
 * {@code @Mixin}). An option left out keeps the recipe's value.
 */
final class TuningOptions {

    @Option(names = "--epochs", description = "Epochs (default: the recipe's).")
    Integer epochs;

    @Option(names = "--steps", description = "Stop after this many optimizer steps.")
    Long steps;

    @Option(names = "--lr", description = "AdamW learning rate (default: the recipe's).")
    Double lr;

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: the recipe's).")
    Double weightDecay;

    @Option(names = "--batch-size", description = "Examples per step (default: the recipe's, 8).")
    Integer batchSize;

    @Option(names = "--train-limit", description = "Use only the first N training examples (smoke runs).")
    Integer trainLimit;

    @Option(names = "--seed", description = "Seed for shuffling and whatever else the command draws at random (default: the recipe's, 123).")
    Long seed;

    /** {@code recipe} with the schedule options given replacing its own ({@code --train-limit} is the recipe's to apply). */
    <R extends TuningRecipe<R>> R applyTo(R recipe) {
        if (epochs != null) recipe = recipe.withEpochs(epochs);
        if (steps != null) recipe = recipe.withMaxSteps(steps);
        if (lr != null) recipe = recipe.withLearningRate(lr);
        if (weightDecay != null) recipe = recipe.withWeightDecay(weightDecay);
        if (batchSize != null) recipe = recipe.withBatchSize(batchSize);
        if (seed != null) recipe = recipe.withSeed(seed);
        return recipe;
    }
}
