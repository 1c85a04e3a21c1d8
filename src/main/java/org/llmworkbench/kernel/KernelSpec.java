package org.llmworkbench.kernel;

import org.llmworkbench.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Jupyter kernelspec: the {@code kernel.json} that tells Jupyter how to start this kernel. The
 * argv starts the same java that runs the installer, with the options every workbench JVM needs,
 * so a cell can {@code import org.llmworkbench.*} and train on the CPU with a fixed thread count.
 */
public record KernelSpec(String name, String displayName, List<String> argv, Map<String, String> env) {
    public static final String DEFAULT_NAME = "llm-workbench";
    public static final String DEFAULT_DISPLAY_NAME = "Java (llm-workbench)";
    /** Jupyter's own rule for kernel names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]+");

    public KernelSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be letters, digits, '.', '_' or '-' (Jupyter's rule), got '" + name + "'");
        }
        if (displayName == null || displayName.isBlank()) throw new IllegalArgumentException("displayName must not be blank");
        if (argv == null || argv.isEmpty() || !argv.contains("{connection_file}")) {
            throw new IllegalArgumentException("argv must contain '{connection_file}', got " + argv);
        }
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /** What {@code workbench kernel install} writes. */
    public record Options(String name, int threads, Path dataDir, String classpath, Path java) {
        public Options {
            if (threads < 1 || threads > 1024) throw new IllegalArgumentException("threads must be in 1..1024, got " + threads);
            if (classpath == null || classpath.isBlank()) throw new IllegalArgumentException("classpath must not be blank");
            if (java == null) throw new IllegalArgumentException("java must be set");
        }

        /** Defaults: this JVM's java, its class path, one PyTorch thread per core. */
        public static Options defaults() {
            return new Options(DEFAULT_NAME, Runtime.getRuntime().availableProcessors(), null, currentClasspath(), currentJava());
        }

        public Options withName(String n) { return new Options(n, threads, dataDir, classpath, java); }
        public Options withThreads(int t) { return new Options(name, t, dataDir, classpath, java); }
        public Options withDataDir(Path d) { return new Options(name, threads, d, classpath, java); }
        public Options withClasspath(String cp) { return new Options(name, threads, dataDir, cp, java); }
    }

    /**
     * A kernel sits idle most of a workshop day, holding whatever heap G1 grew to during its busiest cell
     * (re-running cells 1,200 times: RSS ~1 GB with 69 MB of it in use). With a GC at most every 15 s of
     * quiet, G1 gives the unused heap back (JEP 346): ~1,020 → 212 MB within 45 s of the last cell here.
     */
    static final String IDLE_HEAP_RETURN = "-XX:G1PeriodicGCInterval=15000";

    public static KernelSpec forWorkbench(Options o) {
        List<String> argv = new ArrayList<>();
        argv.add(o.java().toAbsolutePath().toString());
        argv.addAll(org.llmworkbench.Workbench.jvmOptions());
        argv.add(IDLE_HEAP_RETURN);
        argv.add("-Dai.djl.pytorch.num_threads=" + o.threads());
        argv.add("-Dai.djl.pytorch.num_interop_threads=1");
        if (o.dataDir() != null) argv.add("-Dworkbench.data.dir=" + o.dataDir().toAbsolutePath());
        argv.add("-cp");
        argv.add(absoluteClasspath(o.classpath()));
        argv.add(WorkbenchKernel.class.getName());
        argv.add("{connection_file}");
        Map<String, String> env = new java.util.LinkedHashMap<>(Map.of("DJL_OFFLINE", "true", "OMP_WAIT_POLICY", "PASSIVE"));
        String tunables = System.getenv("GLIBC_TUNABLES"); // the launcher's malloc settings (pom.xml), for the kernel too
        if (tunables != null && !tunables.isBlank()) env.put("GLIBC_TUNABLES", tunables);
        return new KernelSpec(o.name(), DEFAULT_DISPLAY_NAME, argv, env);
    }

    /** The same spec with extra JVM options right after the java executable. */
    public KernelSpec withJvmOptions(List<String> options) {
        List<String> a = new ArrayList<>(argv);
        a.addAll(1, options);
        return new KernelSpec(name, displayName, a, env);
    }

    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
    }

    /** The class path of this JVM: the shaded jar when run as {@code java -jar}, else its entries. */
    static String currentClasspath() {
        return System.getProperty("java.class.path", "");
    }

    static String absoluteClasspath(String cp) {
        return List.of(cp.split(Pattern.quote(File.pathSeparator))).stream()
                .filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }

    public String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ArrayNode a = root.putArray("argv");
        argv.forEach(a::add);
        root.put("display_name", displayName);
        root.put("language", "java");
        root.put("interrupt_mode", "message");
        ObjectNode e = root.putObject("env");
        new LinkedHashMap<>(env).forEach(e::put);
        root.putObject("metadata").put("debugger", false);
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions apply
        }
    }

    /**
     * Writes {@code kernelsDir/name/kernel.json}, atomically: a temp file in the same folder, then
     * a move over the final name, so Jupyter never sees half a file.
     */
    public Path install(Path kernelsDir) throws IOException {
        Path dir = kernelsDir.resolve(name);
        Files.createDirectories(dir);
        Path target = dir.resolve("kernel.json");
        AtomicFiles.write(target, tmp -> {
            Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
            readableByAll(tmp); // temp files start owner-only; other users' Jupyter must read a --sys-prefix spec
        });
        return target;
    }
}
