package org.llmworkbench.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where Jupyter looks for kernelspecs: per user, inside the Python environment that runs Jupyter, or under a prefix. */
public final class KernelsDir {
    private KernelsDir() {}

    /** {@code jupyter kernelspec install --user}: the user's Jupyter data dir. */
    public static Path user(Map<String, String> env) {
        String explicit = env.get("JUPYTER_DATA_DIR");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit).resolve("kernels");
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.startsWith("mac")) return Path.of(home, "Library", "Jupyter", "kernels");
        if (os.startsWith("windows") && env.get("APPDATA") != null) return Path.of(env.get("APPDATA"), "jupyter", "kernels");
        String xdg = env.get("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "share");
        return data.resolve("jupyter").resolve("kernels");
    }

    /** {@code --prefix DIR}: {@code DIR/share/jupyter/kernels}. */
    public static Path prefix(Path prefix) {
        return prefix.toAbsolutePath().resolve("share").resolve("jupyter").resolve("kernels");
    }

    /**
     * {@code --sys-prefix}: {@code sys.prefix/share/jupyter/kernels} of the Python that runs
     * {@code jupyter} (asked directly), else of the active conda environment.
     */
    public static Path sysPrefix(Map<String, String> env) throws IOException {
        Path jupyter = findOnPath("jupyter", env);
        if (jupyter == null && Files.isExecutable(Path.of("/usr/bin/jupyter"))) jupyter = Path.of("/usr/bin/jupyter");
        if (jupyter != null) {
            String python = interpreterOf(jupyter);
            if (python != null) {
                String prefix = ask(python, jupyter);
                if (prefix != null) return prefix(Path.of(prefix));
            }
        }
        String conda = env.get("CONDA_PREFIX");
        if (conda != null && !conda.isBlank()) return prefix(Path.of(conda));
        throw new IOException("--sys-prefix: found neither a 'jupyter' whose Python reports sys.prefix nor $CONDA_PREFIX; "
                + "install Jupyter, activate its environment, or use --user or --prefix DIR");
    }

    static Path findOnPath(String exe, Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) continue;
            Path p = Path.of(dir, exe);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The interpreter named by a script's {@code #!} line ({@code /usr/bin/python3}, or {@code env python3}). */
    static String interpreterOf(Path script) throws IOException {
        String first;
        try (BufferedReader r = Files.newBufferedReader(script, StandardCharsets.ISO_8859_1)) {
            first = r.readLine();
        }
        if (first == null || !first.startsWith("#!")) return null;
        String[] parts = first.substring(2).trim().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) return null;
        if (parts[0].endsWith("/env") && parts.length > 1) return parts[1];
        return parts[0];
    }

    private static String ask(String python, Path jupyter) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, "-c", "import sys; print(sys.prefix)"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(python + " (the Python of " + jupyter + ") did not answer within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + python + " for sys.prefix", e);
        }
        return p.exitValue() == 0 && !out.isEmpty() ? out.lines().reduce((a, b) -> b).orElse(out) : null;
    }
}
