package org.llmworkbench.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.request.ShutdownRequest;

/**
 * A kernel in its own JVM, started from a kernelspec's argv the way Jupyter starts it, with a
 * {@link KernelClient} connected to it. Used by the benchmark and to record the class-data archive.
 */
public final class KernelProcess implements AutoCloseable {
    private final Path dir;
    private final Path connectionFile;
    private final Process process;
    private final KernelClient client;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final long launchedNanos;

    private KernelProcess(KernelSpec spec, List<String> extraJvmOptions) throws Exception {
        dir = Files.createTempDirectory("workbench-kernel");
        connectionFile = dir.resolve("connection.json");
        KernelConnectionProperties props = ConnectionFile.create(connectionFile);
        List<String> argv = new ArrayList<>(spec.argv());
        argv.replaceAll(a -> a.equals("{connection_file}") ? connectionFile.toString() : a);
        argv.addAll(1, extraJvmOptions);
        // its own history file, so a benchmark's thousand "1 + 1" stay out of the user's Up-arrow (options above may override)
        argv.add(1, "-D" + KernelHistory.PROPERTY + "=" + dir.resolve(KernelHistory.FILE_NAME));
        argv.add(1, "-D" + WorkbenchKernel.TIMING_PROPERTY + "=true");
        argv.add(1, "-D" + WorkbenchKernel.LAUNCHED_PROPERTY + "=" + System.currentTimeMillis());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(spec.env());
        launchedNanos = System.nanoTime();
        process = pb.start();
        Thread reader = new Thread(this::readLog, "kernel-stderr");
        reader.setDaemon(true);
        reader.start();
        client = new KernelClient(props);
    }

    public static KernelProcess start(KernelSpec spec, List<String> extraJvmOptions) throws Exception {
        return new KernelProcess(spec, extraJvmOptions);
    }

    public KernelClient client() {
        return client;
    }

    /** Milliseconds since the kernel's JVM was launched. */
    public double sinceLaunchMs() {
        return (System.nanoTime() - launchedNanos) / 1e6;
    }

    /** The kernel's stderr lines so far. */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Fails with the kernel's state and stderr when an awaited message did not come. */
    public KernelClient.Received require(KernelClient.Received m, String what) {
        if (m != null) return m;
        String state = process.isAlive() ? "still running" : "exited with " + process.exitValue();
        throw new IllegalStateException("no " + what + " from the kernel (" + state + "); its stderr:\n" + String.join("\n", log()));
    }

    /** Idle comes after busy for the same request: skip status messages until the idle one. */
    public KernelClient.Received awaitIdle(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KernelClient.Received m = client.iopub(id, "status", Duration.ofNanos(deadline - System.nanoTime()));
            if (m == null) return null;
            if ("idle".equals(m.content().get("execution_state").getAsString())) return m;
        }
        return null;
    }

    /** Runs a cell and waits until the kernel is idle again; fails if the cell failed. */
    public KernelClient.Received run(String code, Duration timeout) {
        String id = client.execute(code);
        KernelClient.Received reply = require(client.shellReply(id, timeout), "execute_reply");
        require(awaitIdle(id, timeout), "idle status");
        if (!"ok".equals(reply.content().get("status").getAsString())) {
            throw new IllegalStateException("cell failed in the kernel: " + code + "\n" + reply.content());
        }
        return reply;
    }

    /** Asks the kernel to shut down and waits for its JVM to exit; returns the exit code. */
    public int shutdown(Duration timeout) throws InterruptedException {
        String bye = client.sendControl(ShutdownRequest.SHUTDOWN);
        require(client.controlReply(bye, timeout), "shutdown_reply");
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the kernel did not exit within " + timeout.toSeconds() + " s of shutdown_request");
        }
        return process.exitValue();
    }

    private void readLog() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) log.add(line);
        } catch (IOException ignored) {
            // the kernel went away
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        if (process.isAlive()) process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS); // gone, so it writes no more history beside the connection file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
