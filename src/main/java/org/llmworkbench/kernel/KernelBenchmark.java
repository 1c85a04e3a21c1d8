package org.llmworkbench.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;
import org.dflib.jjava.jupyter.messages.request.ShutdownRequest;

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
                      long engineReadyMs, List<Double> cellMs, List<Double> engineCellMs, double shutdownMs) {}

    public record Result(List<Run> runs) {
        public List<Double> coldStarts() {
            return runs.stream().map(Run::coldStartMs).toList();
        }

        public List<Double> cells() {
            return runs.stream().flatMap(r -> r.cellMs().stream()).toList();
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
        Path dir = Files.createTempDirectory("workbench-kernel-bench");
        Path connectionFile = dir.resolve("connection.json");
        KernelConnectionProperties props = ConnectionFile.create(connectionFile);
        List<String> argv = new ArrayList<>(KernelSpec.forWorkbench(o.kernel()).argv());
        argv.replaceAll(a -> a.equals("{connection_file}") ? connectionFile.toString() : a);
        argv.addAll(1, o.extraJvmOptions());
        argv.add(1, "-D" + WorkbenchKernel.TIMING_PROPERTY + "=true");

        List<String> kernelLog = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        argv.add(1, "-D" + WorkbenchKernel.LAUNCHED_PROPERTY + "=" + System.currentTimeMillis());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DJL_OFFLINE", "true");
        Process kernel = pb.start();
        Thread logReader = new Thread(() -> readLines(kernel, kernelLog), "kernel-bench-stderr");
        logReader.setDaemon(true);
        logReader.start();
        try (KernelClient client = new KernelClient(props)) {
            String info = client.send(new KernelInfoRequest());
            String first = client.execute("1 + 1");
            require(client.shellReply(info, START_TIMEOUT), "kernel_info_reply", kernel, kernelLog);
            double kernelInfoMs = (System.nanoTime() - t0) / 1e6;
            KernelClient.Received result = require(client.iopub(first, "execute_result", START_TIMEOUT), "execute_result of 1 + 1", kernel, kernelLog);
            double coldStartMs = (System.nanoTime() - t0) / 1e6;
            String shown = result.content().getAsJsonObject("data").get("text/plain").getAsString();
            if (!"2".equals(shown)) throw new IllegalStateException("1 + 1 came back as '" + shown + "', expected 2");
            require(waitIdle(client, first), "idle after 1 + 1", kernel, kernelLog);

            List<Double> cells = new ArrayList<>();
            List<Double> engineMs = new ArrayList<>();
            for (int i = 0; i < o.cells(); i++) {
                long c0 = System.nanoTime();
                String id = client.execute("1 + 1");
                require(client.iopub(id, "execute_result", CELL_TIMEOUT), "execute_result", kernel, kernelLog);
                KernelClient.Received reply = require(client.shellReply(id, CELL_TIMEOUT), "execute_reply", kernel, kernelLog);
                require(waitIdle(client, id), "idle status", kernel, kernelLog);
                cells.add((System.nanoTime() - c0) / 1e6);
                engineMs.add(reply.metadata().has("workbench_cell_ms") ? reply.metadata().get("workbench_cell_ms").getAsDouble() : Double.NaN);
            }

            long s0 = System.nanoTime();
            String bye = client.sendControl(ShutdownRequest.SHUTDOWN);
            require(client.controlReply(bye, CELL_TIMEOUT), "shutdown_reply", kernel, kernelLog);
            if (!kernel.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("the kernel did not exit within 30 s of shutdown_request");
            double shutdownMs = (System.nanoTime() - s0) / 1e6;
            logReader.join(2000);
            return new Run(coldStartMs, kernelInfoMs, find(kernelLog, SOCKETS, 1), find(kernelLog, ENGINE, 1),
                    find(kernelLog, ENGINE, 2), cells, engineMs, shutdownMs);
        } finally {
            if (kernel.isAlive()) kernel.destroyForcibly();
            Files.deleteIfExists(connectionFile);
            Files.deleteIfExists(dir);
        }
    }

    /** Idle comes after busy for the same request: skip status messages until the idle one. */
    private static KernelClient.Received waitIdle(KernelClient client, String id) {
        long deadline = System.nanoTime() + CELL_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            KernelClient.Received m = client.iopub(id, "status", Duration.ofNanos(deadline - System.nanoTime()));
            if (m == null) return null;
            if ("idle".equals(m.content().get("execution_state").getAsString())) return m;
        }
        return null;
    }

    private static KernelClient.Received require(KernelClient.Received m, String what, Process kernel, List<String> log) {
        if (m != null) return m;
        String state = kernel.isAlive() ? "still running" : "exited with " + kernel.exitValue();
        throw new IllegalStateException("no " + what + " from the kernel (" + state + "); its stderr:\n" + String.join("\n", log));
    }

    private static void readLines(Process p, List<String> into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) into.add(line);
        } catch (IOException ignored) {
            // the kernel went away
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
