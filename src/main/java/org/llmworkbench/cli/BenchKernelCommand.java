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
import picocli.CommandLine.Mixin;
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

    @Mixin
    KernelJvmOptions jvm;

    @Option(names = "--jvm-opt", paramLabel = "OPT", description = "Extra JVM option for the kernel (repeatable).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--cds", description = "First record a class-data archive (as 'kernel install' does) and start the kernels with it.")
    boolean cds;

    @Option(names = "--soak", paramLabel = "N", description = "Instead: run N cells in one kernel (a long workshop day) and report "
            + "first/last-100 round trip medians, heap in use after GC and RSS.")
    Integer soak;

    @Option(names = "--workload", paramLabel = "W", description = "With --soak: rerun (a 20-cell pattern re-run), distinct "
            + "(a new declaration per cell) or both (default: ${DEFAULT-VALUE}).")
    String workload = "both";

    @Override
    public Integer call() throws Exception {
        KernelSpec.Options k = jvm.applyTo(KernelSpec.Options.defaults());
        List<String> extra = new ArrayList<>(jvmOptions);
        if (soak != null) return soak(k, extra);
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

    /** {@code --soak N}: one fresh kernel per workload, figures as one JSON line. */
    private int soak(KernelSpec.Options k, List<String> extra) throws Exception {
        List<KernelBenchmark.Workload> workloads = switch (workload) {
            case "rerun" -> List.of(KernelBenchmark.Workload.RERUN);
            case "distinct" -> List.of(KernelBenchmark.Workload.DISTINCT);
            case "both" -> List.of(KernelBenchmark.Workload.RERUN, KernelBenchmark.Workload.DISTINCT);
            default -> throw new IllegalArgumentException("--workload must be rerun, distinct or both, got '" + workload + "'");
        };
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cpus = Runtime.getRuntime().availableProcessors();
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("bench", "kernel-soak");
        json.put("cells", soak);
        for (KernelBenchmark.Workload w : workloads) {
            System.out.printf("soak (%s): %d cells in a fresh kernel; %d CPUs, load average %.1f%n",
                    w.name().toLowerCase(java.util.Locale.ROOT), soak, cpus, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            KernelBenchmark.Soak r = KernelBenchmark.soak(k, extra, w, soak);
            System.out.printf("  after %d warm-up cells, round trip median: first 100 %.1f ms, last 100 %.1f ms (%.2fx); "
                            + "kernel CPU for them %.0f ms, %.0f ms (%.2fx), of which the engine's threads %.0f ms, %.0f ms (%.2fx) "
                            + "and the JIT's %.0f ms, %.0f ms; heap in use after GC %.0f -> %.0f MB "
                            + "(%+.0f MB); RSS %.0f -> %.0f MB; a variable of cell 3 %s%n",
                    r.warmupCells(), r.firstMedianMs(), r.lastMedianMs(), r.ratio(), r.firstCpuMs(), r.lastCpuMs(), r.cpuRatio(),
                    r.firstThreads().engineMs(), r.lastThreads().engineMs(), r.engineCpuRatio(), r.firstThreads().jitMs(), r.lastThreads().jitMs(),
                    r.heapBeforeMb(), r.heapAfterMb(), r.heapGrowthMb(),
                    r.rssBeforeMb(), r.rssAfterMb(), r.earlyStateKept() ? "still works" : "was LOST");
            String p = w.name().toLowerCase(java.util.Locale.ROOT) + "_";
            json.put(p + "warmup_cells", r.warmupCells());
            json.put(p + "first100_ms_median", round(r.firstMedianMs()));
            json.put(p + "last100_ms_median", round(r.lastMedianMs()));
            json.put(p + "ratio", Math.round(r.ratio() * 100) / 100.0);
            if (Double.isNaN(r.cpuRatio())) {
                json.putNull(p + "cpu_ratio"); // no /proc here
            } else {
                json.put(p + "first100_cpu_ms", round(r.firstCpuMs()));
                json.put(p + "last100_cpu_ms", round(r.lastCpuMs()));
                json.put(p + "cpu_ratio", Math.round(r.cpuRatio() * 100) / 100.0);
                // the threads that compile and run cells alone: the total also holds the JIT, busy early on
                json.put(p + "first100_engine_cpu_ms", round(r.firstThreads().engineMs()));
                json.put(p + "last100_engine_cpu_ms", round(r.lastThreads().engineMs()));
                json.put(p + "engine_cpu_ratio", Math.round(r.engineCpuRatio() * 100) / 100.0);
                json.put(p + "first100_jit_cpu_ms", round(r.firstThreads().jitMs()));
                json.put(p + "last100_jit_cpu_ms", round(r.lastThreads().jitMs()));
            }
            json.put(p + "heap_after_gc_mb_before", round(r.heapBeforeMb()));
            json.put(p + "heap_after_gc_mb_after", round(r.heapAfterMb()));
            json.put(p + "heap_growth_mb", round(r.heapGrowthMb()));
            json.put(p + "rss_mb_before", round(r.rssBeforeMb()));
            json.put(p + "rss_mb_after", round(r.rssAfterMb()));
            json.put(p + "early_state_kept", r.earlyStateKept());
        }
        json.put("cpus", cpus);
        json.put("load_average_start", round(load));
        json.put("load_average_end", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
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
