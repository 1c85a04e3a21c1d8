package org.llmworkbench.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;

/**
 * How long the kernel makes people wait: from starting its JVM (as Jupyter does, with the
 * kernelspec's argv) to the result of {@code 1 + 1}, and the round trip of a trivial cell
 * (request sent to idle status received) over the real wire protocol.
 */
public final class KernelBenchmark {
    /** @param runs kernels started (cold starts measured); @param cells trivial cells timed per kernel */
    public record Options(KernelSpec.Options kernel, List<String> extraJvmOptions, int runs, int cells) {
        public Options {
            if (runs < 1 || runs > 100) throw new IllegalArgumentException("runs must be in 1..100, got " + runs);
            if (cells < 1 || cells > 100_000) throw new IllegalArgumentException("cells must be in 1..100000, got " + cells);
            extraJvmOptions = List.copyOf(extraJvmOptions);
        }
    }

    /** One kernel's figures; the kernel-side ones come from its start-up timing lines on stderr (-1 when absent). */
    public record Run(double coldStartMs, double kernelInfoMs, long socketsBoundMs, long engineBuildMs,
                      long engineReadyMs, List<Double> cellMs, List<Double> engineCellMs,
                      List<Double> protocolMs, double shutdownMs) {}

    public record Result(List<Run> runs) {
        public List<Double> coldStarts() {
            return runs.stream().map(Run::coldStartMs).toList();
        }

        public List<Double> cells() {
            return runs.stream().flatMap(r -> r.cellMs().stream()).toList();
        }

        /** kernel_info round trips: the protocol alone, no engine. */
        public List<Double> protocol() {
            return runs.stream().flatMap(r -> r.protocolMs().stream()).toList();
        }

        /** The engine's own time for the same cells (from execute_reply metadata). */
        public List<Double> engineCells() {
            return runs.stream().flatMap(r -> r.engineCellMs().stream()).toList();
        }
    }

    private static final Pattern SOCKETS = Pattern.compile("sockets bound at (\\d+) ms");
    private static final Pattern ENGINE = Pattern.compile("engine built in (\\d+) ms, warmed up in \\d+ ms, ready at (\\d+) ms");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration CELL_TIMEOUT = Duration.ofSeconds(30);

    private KernelBenchmark() {}

    public static Result run(Options o, PrintStream out) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < o.runs(); i++) {
            Run r = runOnce(o);
            out.printf("run %d: cold start %.0f ms (kernel_info after %.0f ms; in the kernel: sockets bound %d ms, engine built in %d ms, "
                            + "ready %d ms after launch); trivial cell median %.1f ms (engine %.1f ms); shutdown %.0f ms%n",
                    i + 1, r.coldStartMs(), r.kernelInfoMs(), r.socketsBoundMs(), r.engineBuildMs(), r.engineReadyMs(),
                    median(r.cellMs()), median(r.engineCellMs()), r.shutdownMs());
            runs.add(r);
        }
        return new Result(runs);
    }

    private static Run runOnce(Options o) throws Exception {
        try (KernelProcess kernel = KernelProcess.start(KernelSpec.forWorkbench(o.kernel()), o.extraJvmOptions())) {
            KernelClient client = kernel.client();
            String info = client.send(new KernelInfoRequest());
            String first = client.execute("1 + 1");
            kernel.require(client.shellReply(info, START_TIMEOUT), "kernel_info_reply");
            double kernelInfoMs = kernel.sinceLaunchMs();
            KernelClient.Received result = kernel.require(client.iopub(first, "execute_result", START_TIMEOUT), "execute_result of 1 + 1");
            double coldStartMs = kernel.sinceLaunchMs();
            String shown = result.content().getAsJsonObject("data").get("text/plain").getAsString();
            if (!"2".equals(shown)) throw new IllegalStateException("1 + 1 came back as '" + shown + "', expected 2");
            kernel.require(kernel.awaitIdle(first, CELL_TIMEOUT), "idle after 1 + 1");

            List<Double> cells = new ArrayList<>();
            List<Double> engineMs = new ArrayList<>();
            for (int i = 0; i < o.cells(); i++) {
                long c0 = System.nanoTime();
                String id = client.execute("1 + 1");
                kernel.require(client.iopub(id, "execute_result", CELL_TIMEOUT), "execute_result");
                KernelClient.Received reply = kernel.require(client.shellReply(id, CELL_TIMEOUT), "execute_reply");
                kernel.require(kernel.awaitIdle(id, CELL_TIMEOUT), "idle status");
                cells.add((System.nanoTime() - c0) / 1e6);
                engineMs.add(reply.metadata().has("workbench_cell_ms") ? reply.metadata().get("workbench_cell_ms").getAsDouble() : Double.NaN);
            }
            List<Double> protocol = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long c0 = System.nanoTime();
                String id = client.send(new KernelInfoRequest());
                kernel.require(client.shellReply(id, CELL_TIMEOUT), "kernel_info_reply");
                kernel.require(kernel.awaitIdle(id, CELL_TIMEOUT), "idle status");
                protocol.add((System.nanoTime() - c0) / 1e6);
            }

            long s0 = System.nanoTime();
            kernel.shutdown(CELL_TIMEOUT);
            double shutdownMs = (System.nanoTime() - s0) / 1e6;
            List<String> log = kernel.log();
            return new Run(coldStartMs, kernelInfoMs, find(log, SOCKETS, 1), find(log, ENGINE, 1),
                    find(log, ENGINE, 2), cells, engineMs, protocol, shutdownMs);
        }
    }

    /**
     * What a long workshop day does to a kernel: the same cells re-run again and again
     * ({@link Workload#RERUN}: a 20-cell pattern {@code int vK = i; vK * 2}, K = i mod 20) or ever new
     * declarations ({@link Workload#DISTINCT}: {@code int dI = i; dI * 2}), one cell per round trip.
     */
    public enum Workload {
        RERUN, DISTINCT;

        String cell(int i) {
            String name = this == RERUN ? "v" + (i % 20) : "d" + i;
            return "int " + name + " = " + i + ";\n" + name + " * 2";
        }
    }

    /**
     * One soak: round trip medians of the first and the last 100 cells, the kernel's CPU time for them
     * (all threads, and the engine's threads alone), the kernel's heap in use after a full GC and its
     * resident set, before the first cell and after the last (MB; RSS is -1 where /proc is missing), and
     * whether a variable of cell 3 still answers at the end.
     */
    public record Soak(Workload workload, int cells, int warmupCells, double firstMedianMs, double lastMedianMs,
                       double firstCpuMs, double lastCpuMs, ThreadCpu firstThreads, ThreadCpu lastThreads,
                       double heapBeforeMb, double heapAfterMb, double rssBeforeMb, double rssAfterMb,
                       boolean earlyStateKept) {
        public double ratio() {
            return lastMedianMs / firstMedianMs;
        }

        /**
         * The kernel process's CPU time for the last 100 cells over that for the first 100 (NaN without
         * /proc). Unlike round trips, CPU time does not count waiting for a core, so it shows the kernel's
         * own slowdown even when other work shares the machine.
         */
        public double cpuRatio() {
            return lastCpuMs / firstCpuMs;
        }

        /**
         * The same for the threads that run cells alone ({@link ThreadCpu#engineMs}): the process total
         * also counts the JIT compiler, which is still busy in the first 100 cells and so hides a slowdown.
         */
        public double engineCpuRatio() {
            return lastThreads.engineMs() / firstThreads.engineMs();
        }

        public double heapGrowthMb() {
            return heapAfterMb - heapBeforeMb;
        }
    }

    /**
     * CPU time (ms) of a kernel's threads over some cells, by what they do: the engine (the shell thread,
     * which compiles each cell with JShell, and the {@code cell} thread, which runs it), the JIT
     * compiler, the garbage collector, and the history writer. NaN where there is no /proc.
     */
    public record ThreadCpu(double engineMs, double jitMs, double gcMs, double historyMs) {
        static final ThreadCpu NONE = new ThreadCpu(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        ThreadCpu minus(ThreadCpu o) {
            return new ThreadCpu(engineMs - o.engineMs, jitMs - o.jitMs, gcMs - o.gcMs, historyMs - o.historyMs);
        }

        /** Reads /proc/PID/task/TID/stat for every thread of the process. */
        static ThreadCpu of(Path taskDir) {
            double engine = 0, jit = 0, gc = 0, history = 0;
            try (var threads = Files.list(taskDir)) {
                for (Path t : threads.toList()) {
                    String line;
                    try {
                        line = Files.readString(t.resolve("stat"));
                    } catch (IOException gone) {
                        continue; // the thread ended meanwhile
                    }
                    String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                    double ms = cpuMsOfStatLine(line);
                    if (name.equals("kernel-shell") || name.equals("cell")) engine += ms;
                    else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) jit += ms;
                    else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) gc += ms;
                    else if (name.equals("kernel-history")) history += ms;
                }
            } catch (IOException | RuntimeException e) {
                return NONE;
            }
            return new ThreadCpu(engine, jit, gc, history);
        }
    }

    /**
     * Starts a kernel, warms it up, then runs {@code cells} cells of the workload. Warm-up runs trivial
     * expressions and a re-declared variable in rounds of 20, at least {@value #MIN_WARMUP_CELLS} cells and
     * then until two rounds' medians agree within 10% (at most {@value #MAX_WARMUP_CELLS}): otherwise the JIT
     * compiling JShell's compiler would make the first 100 cells look slow and hide any slowdown.
     */
    public static Soak soak(KernelSpec.Options kernelOptions, List<String> extraJvmOptions, Workload workload, int cells)
            throws Exception {
        if (cells < 200 || cells > 1_000_000) throw new IllegalArgumentException("soak cells must be in 200..1000000, got " + cells);
        try (KernelProcess kernel = KernelProcess.start(KernelSpec.forWorkbench(kernelOptions), extraJvmOptions)) {
            int warmup = warmUp(kernel);
            double[] before = memory(kernel);
            Path proc = Path.of("/proc", plainResult(kernel, "ProcessHandle.current().pid()"));
            Path stat = proc.resolve("stat");
            Path tasks = proc.resolve("task");
            List<Double> ms = new ArrayList<>(cells);
            double[] cpu = new double[4]; // CPU ms at the start and end of the first and of the last 100 cells
            ThreadCpu[] threads = new ThreadCpu[4];
            KernelClient client = kernel.client();
            for (int i = 0; i < cells; i++) {
                if (i == 0) {
                    cpu[0] = cpuMs(stat);
                    threads[0] = ThreadCpu.of(tasks);
                }
                if (i == cells - 100) {
                    cpu[2] = cpuMs(stat);
                    threads[2] = ThreadCpu.of(tasks);
                }
                long c0 = System.nanoTime();
                String id = client.execute(workload.cell(i));
                KernelClient.Received reply = kernel.require(client.shellReply(id, CELL_TIMEOUT), "execute_reply of cell " + i);
                kernel.require(kernel.awaitIdle(id, CELL_TIMEOUT), "idle after cell " + i);
                ms.add((System.nanoTime() - c0) / 1e6);
                if (i == 99) {
                    cpu[1] = cpuMs(stat);
                    threads[1] = ThreadCpu.of(tasks);
                }
                if (!"ok".equals(reply.content().get("status").getAsString())) {
                    throw new IllegalStateException("soak cell " + i + " failed: " + reply.content());
                }
            }
            cpu[3] = cpuMs(stat);
            threads[3] = ThreadCpu.of(tasks);
            String early = workload == Workload.RERUN ? "v3" : "d3";
            String kept = plainResult(kernel, early + " + 1");
            boolean earlyStateKept = kept.equals(String.valueOf(workload == Workload.RERUN ? lastAssigned(cells, 3) + 1 : 4));
            double[] after = memory(kernel);
            kernel.shutdown(CELL_TIMEOUT);
            return new Soak(workload, cells, warmup, median(ms.subList(0, 100)), median(ms.subList(cells - 100, cells)),
                    cpu[1] - cpu[0], cpu[3] - cpu[2], threads[1].minus(threads[0]), threads[3].minus(threads[2]),
                    before[0], after[0], before[1], after[1], earlyStateKept);
        }
    }

    private static int warmUp(KernelProcess kernel) {
        double previous = Double.NaN;
        int cells = 0;
        while (cells < MAX_WARMUP_CELLS) {
            List<Double> round = new ArrayList<>();
            for (int i = 0; i < 20; i++, cells++) {
                long c0 = System.nanoTime();
                // expressions and declarations take different paths through JShell: warm both (one name, re-declared)
                kernel.run(i % 2 == 0 ? "1 + 1" : "int soakWarmUp = " + cells + ";", START_TIMEOUT);
                round.add((System.nanoTime() - c0) / 1e6);
            }
            double m = median(round);
            if (cells >= MIN_WARMUP_CELLS && Math.abs(m - previous) <= 0.1 * previous) break;
            previous = m;
        }
        return cells;
    }

    /** Fewer warm-up cells leave the JIT compiling JShell's compiler through the first 100 measured cells. */
    static final int MIN_WARMUP_CELLS = 200;
    static final int MAX_WARMUP_CELLS = 400;

    /** User + system CPU time of a process from /proc/PID/stat, in ms (NaN where there is no /proc). */
    static double cpuMs(Path stat) {
        try {
            return cpuMsOfStatLine(Files.readString(stat));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime of a /proc stat line (a process's or a thread's), in ms. */
    static double cpuMsOfStatLine(String line) {
        // fields after the command name, which is in parentheses and may hold spaces
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / CLOCK_TICKS;
    }

    /** Linux's USER_HZ: /proc counts CPU time in these ticks, 100 a second on every mainstream architecture. */
    private static final double CLOCK_TICKS = 100;

    /** The last value the rerun pattern gave vK: the largest i &lt; cells with i mod 20 == k. */
    private static int lastAssigned(int cells, int k) {
        return (cells - 1 - k) / 20 * 20 + k;
    }

    /** Heap in use after a full GC and resident set size (MB), as the kernel itself sees them. */
    private static double[] memory(KernelProcess kernel) {
        String probe = "System.gc(); System.gc();\n"
                + "String.format(java.util.Locale.ROOT, \"%d %d\", "
                + "java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), "
                + "java.nio.file.Files.exists(java.nio.file.Path.of(\"/proc/self/status\")) ? "
                + "java.nio.file.Files.readAllLines(java.nio.file.Path.of(\"/proc/self/status\")).stream()"
                + ".filter(l -> l.startsWith(\"VmRSS:\")).mapToLong(l -> Long.parseLong(l.replaceAll(\"[^0-9]\", \"\")) * 1024)"
                + ".findFirst().orElse(-1) : -1L)";
        String[] parts = plainResult(kernel, probe).replace("\"", "").split(" ");
        double rss = Long.parseLong(parts[1]);
        return new double[] {Long.parseLong(parts[0]) / 1048576.0, rss < 0 ? -1 : rss / 1048576.0};
    }

    private static String plainResult(KernelProcess kernel, String code) {
        KernelClient client = kernel.client();
        String id = client.execute(code);
        KernelClient.Received result = kernel.require(client.iopub(id, "execute_result", CELL_TIMEOUT), "result of " + code);
        kernel.require(kernel.awaitIdle(id, CELL_TIMEOUT), "idle after " + code);
        return result.content().getAsJsonObject("data").get("text/plain").getAsString();
    }

    private static long find(List<String> lines, Pattern p, int group) {
        synchronized (lines) {
            for (String l : lines) {
                Matcher m = p.matcher(l);
                if (m.find()) return Long.parseLong(m.group(group));
            }
        }
        return -1;
    }

    public static double median(List<Double> xs) {
        return percentile(xs, 50);
    }

    public static double percentile(List<Double> xs, double pct) {
        if (xs.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double rank = pct / 100.0 * (s.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return s.get(lo) + (s.get(hi) - s.get(lo)) * (rank - lo);
    }

    public static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
