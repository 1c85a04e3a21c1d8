package org.llmworkbench.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Jupyter from Debian's packages, driving this kernel. Tests install the kernelspec under
 * a temp prefix (the kernel's java runs on the test class path, so no jar build is needed) and run
 * {@code jupyter} (the first on the PATH, else Debian's {@code /usr/bin/jupyter}) or the Python it
 * runs on, with JUPYTER_PATH pointing there. The tests that need it carry the JUnit tag {@value #TAG}:
 * plain {@code mvn test} leaves them out, {@code ./workbench test} runs them.
 */
final class Jupyter {
    static final String TAG = "jupyter";
    static final Path JUPYTER = find();
    static final Path PYTHON = pythonOf(JUPYTER);

    private final Path home;

    private Jupyter(Path home) {
        this.home = home;
    }

    private static Path find() {
        Path onPath = KernelsDir.findOnPath("jupyter", System.getenv());
        return onPath != null ? onPath : Path.of("/usr/bin/jupyter");
    }

    /** The interpreter of the jupyter script (its jupyter_client is what the tests drive). */
    private static Path pythonOf(Path jupyter) {
        try {
            String interpreter = Files.isRegularFile(jupyter) ? KernelsDir.interpreterOf(jupyter) : null;
            if (interpreter == null) return Path.of("/usr/bin/python3");
            if (interpreter.contains("/")) return Path.of(interpreter);
            Path onPath = KernelsDir.findOnPath(interpreter, System.getenv());
            return onPath != null ? onPath : Path.of(interpreter);
        } catch (IOException e) {
            return Path.of("/usr/bin/python3");
        }
    }

    /** Skips the calling test, saying so on stderr too (a skip must be visible in the build output), when there is no Jupyter. */
    static void assumeAvailable() {
        if (!Files.isExecutable(JUPYTER)) {
            String why = "SKIPPED: Jupyter is not installed (no jupyter on PATH, no /usr/bin/jupyter); "
                    + "install it as README.md says (apt, or conda's environment.yml)";
            System.err.println(why);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, why);
        }
    }

    /** Installs the llm-workbench kernelspec under {@code home} (as {@code workbench kernel install --prefix home}). */
    static Jupyter install(Path home) throws IOException {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
        KernelSpec.forWorkbench(KernelSpec.Options.defaults().withThreads(2).withClasspath(cp)).install(KernelsDir.prefix(home));
        return new Jupyter(home);
    }

    Path kernelJson() {
        return KernelsDir.prefix(home).resolve(KernelSpec.DEFAULT_NAME).resolve("kernel.json");
    }

    record Outcome(int exitCode, String output) {}

    /** Runs a command with this Jupyter's environment; output is stdout and stderr together. */
    Outcome run(List<String> command, Path workDir, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile(home, "process", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("JUPYTER_PATH", home.resolve("share").resolve("jupyter").toString());
        env.put("JUPYTER_RUNTIME_DIR", home.resolve("runtime").toString());
        env.put("JUPYTER_CONFIG_DIR", home.resolve("config").toString());
        env.put("JUPYTER_PLATFORM_DIRS", "1");
        env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
        env.put("DJL_OFFLINE", "true");
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Outcome(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** {@code jupyter nbconvert --to notebook --execute} with this kernel; the executed copy goes to {@code out}. */
    Outcome execute(Path notebook, Path out, long timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        return run(List.of(JUPYTER.toString(), "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=" + KernelSpec.DEFAULT_NAME,
                "--ExecutePreprocessor.timeout=" + timeoutSeconds,
                "--ExecutePreprocessor.startup_timeout=120",
                "--output-dir", out.toAbsolutePath().getParent().toString(),
                "--output", out.getFileName().toString(),
                notebook.toAbsolutePath().toString()), notebook.toAbsolutePath().getParent(), timeoutSeconds + 120);
    }
}
