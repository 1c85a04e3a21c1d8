package org.llmworkbench.cli;

import org.llmworkbench.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.llmworkbench.kernel.ClassDataArchive;
import org.llmworkbench.kernel.KernelBenchmark;
import org.llmworkbench.kernel.KernelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code workbench bench kernel}: kernel cold start and per-cell overhead over the Jupyter protocol. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Start the Jupyter kernel as Jupyter would and time cold start to the result of 1 + 1, "
                + "then the round trip of trivial cells.")
public final class BenchKernelCommand implements Callable<Integer> {
    @Option(names = "--runs", paramLabel = "N", description = "Kernels to start, one cold start each (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--cells", paramLabel = "N", description = "Trivial cells timed per kernel (default: ${DEFAULT-VALUE}).")
    int cells = 50;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch threads for the kernel (default: cores).")
    Integer threads;

    @Option(names = "--classpath", paramLabel = "CP", description = "Class path for the kernel JVM (default: this one's).")
    String classpath;

    @Option(names = "--jvm-opt", paramLabel = "OPT", description = "Extra JVM option for the kernel (repeatable).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--cds", description = "First record a class-data archive (as 'kernel install' does) and start the kernels with it.")
    boolean cds;

    @Override
    public Integer call() throws Exception {
        KernelSpec.Options k = KernelSpec.Options.defaults();
        if (threads != null) k = k.withThreads(threads);
        if (classpath != null) k = k.withClasspath(classpath);
        List<String> extra = new ArrayList<>(jvmOptions);
        Path archiveDir = null;
        if (cds) {
            if (!ClassDataArchive.supports(k.classpath())) {
                throw new IllegalArgumentException("--cds needs a class path of jar files only (run from target/llm-workbench.jar)");
            }
            archiveDir = Files.createTempDirectory("workbench-cds");
            long t0 = System.nanoTime();
            Path archive = ClassDataArchive.record(KernelSpec.forWorkbench(k), archiveDir.resolve(ClassDataArchive.FILE_NAME));
            System.out.printf("recorded class-data archive %s in %.1f s%n", archive, (System.nanoTime() - t0) / 1e9);
            extra.addAll(ClassDataArchive.jvmOptions(archive));
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cpus = Runtime.getRuntime().availableProcessors();
        System.out.printf("kernel benchmark: %d cold start(s), %d trivial cells each; %d CPUs, load average %.1f%n",
                runs, cells, cpus, load);
        KernelBenchmark.Result r;
        try {
            r = KernelBenchmark.run(new KernelBenchmark.Options(k, extra, runs, cells), System.out);
        } finally {
            if (archiveDir != null) {
                Files.deleteIfExists(archiveDir.resolve(ClassDataArchive.FILE_NAME));
                Files.deleteIfExists(archiveDir);
            }
        }

        List<Double> cold = r.coldStarts();
        List<Double> cell = r.cells();
        System.out.printf("cold start to the result of 1 + 1: median %.0f ms (min %.0f, max %.0f) over %d kernel(s)%n",
                KernelBenchmark.median(cold), min(cold), max(cold), cold.size());
        List<Double> engine = r.engineCells();
        System.out.printf("trivial cell (1 + 1, request to idle): median %.1f ms, mean %.1f ms, p90 %.1f ms, min %.1f ms over %d cells%n",
                KernelBenchmark.median(cell), KernelBenchmark.mean(cell), KernelBenchmark.percentile(cell, 90), min(cell), cell.size());
        System.out.printf("  of which the engine (JShell compile + run): median %.1f ms; protocol and kernel: median %.1f ms%n",
                KernelBenchmark.median(engine), KernelBenchmark.median(overhead(cell, engine)));
        List<Double> protocol = r.protocol();
        System.out.printf("protocol alone (kernel_info request to idle): median %.1f ms over %d round trips%n",
                KernelBenchmark.median(protocol), protocol.size());

        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("bench", "kernel");
        json.put("cold_start_ms", round(KernelBenchmark.median(cold)));
        json.put("cold_start_ms_min", round(min(cold)));
        json.put("cold_start_ms_max", round(max(cold)));
        json.put("kernel_info_ms", round(KernelBenchmark.median(r.runs().stream().map(KernelBenchmark.Run::kernelInfoMs).toList())));
        json.put("engine_build_ms", round(KernelBenchmark.median(r.runs().stream().map(x -> (double) x.engineBuildMs()).toList())));
        json.put("trivial_cell_ms_median", round(KernelBenchmark.median(cell)));
        json.put("trivial_cell_ms_mean", round(KernelBenchmark.mean(cell)));
        json.put("trivial_cell_ms_p90", round(KernelBenchmark.percentile(cell, 90)));
        json.put("trivial_cell_engine_ms_median", round(KernelBenchmark.median(engine)));
        json.put("trivial_cell_overhead_ms_median", round(KernelBenchmark.median(overhead(cell, engine))));
        json.put("protocol_round_trip_ms_median", round(KernelBenchmark.median(r.protocol())));
        json.put("shutdown_ms", round(KernelBenchmark.median(r.runs().stream().map(KernelBenchmark.Run::shutdownMs).toList())));
        json.put("class_data_archive", cds);
        json.put("runs", runs);
        json.put("cells", cell.size());
        json.put("cpus", cpus);
        json.put("load_average", round(load));
        System.out.println(json);
        return 0;
    }

    private static List<Double> overhead(List<Double> total, List<Double> engine) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < total.size(); i++) out.add(total.get(i) - engine.get(i));
        return out;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
