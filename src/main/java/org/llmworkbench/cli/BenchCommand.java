package org.llmworkbench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code workbench bench …}: throughput benchmarks. Each prints figures and ends with one JSON line. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark; ends with one JSON line of figures.",
        subcommands = {
                BenchKernelCommand.class,
                BenchTokenizerCommand.class,
                AttentionBench.class,
                BenchGenerateCommand.class,
                BenchTrainCommand.class,
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
