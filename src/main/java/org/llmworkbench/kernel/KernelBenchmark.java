package org.llmworkbench.kernel;

import java.io.PrintStream;
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
