package org.llmworkbench.cli;

import org.llmworkbench.kernel.KernelSpec;
import picocli.CommandLine.Option;

/**
 * {@code --threads} and {@code --classpath}: how the commands that start the Jupyter kernel
 * ({@code kernel install}, {@code bench kernel}) set up its JVM (a picocli {@code @Mixin}).
 */
final class KernelJvmOptions {

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch intra-op threads for the kernel (default: cores).")
    Integer threads;

    @Option(names = "--classpath", paramLabel = "CP",
            description = "Class path for the kernel JVM (default: the jar or class path this command runs from).")
    String classpath;

    /** {@code options} with the threads and class path given replacing its own. */
    KernelSpec.Options applyTo(KernelSpec.Options options) {
        if (threads != null) options = options.withThreads(threads);
        if (classpath != null) options = options.withClasspath(classpath);
        return options;
    }
}
