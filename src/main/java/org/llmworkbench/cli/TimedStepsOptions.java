package org.llmworkbench.cli;

import picocli.CommandLine.Option;

/**
 * {@code --steps} and {@code --warmup}: how the training benchmarks ({@code bench train},
 * {@code bench finetune}) time their steps: a few untimed ones first, then the timed ones (a
 * picocli {@code @Mixin}).
 */
final class TimedStepsOptions {

    @Option(names = "--steps", defaultValue = "20", description = "Timed optimizer steps after the warm-up (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    /** Fails clearly for no timed step or a negative warm-up. */
    void check() {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("--steps must be >= 1 and --warmup >= 0, got " + steps + " and " + warmup);
        }
    }
}
