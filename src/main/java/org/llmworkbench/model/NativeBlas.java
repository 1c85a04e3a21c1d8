package org.llmworkbench.model;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import org.llmworkbench.model.decode.NativeThreads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which BLAS answers libtorch's matrix multiplications. The PyTorch build that DJL ships links
 * Intel's oneMKL, whose single-precision GEMM is slow on AMD processors: on this project's AMD EPYC
 * (Zen 4) machines, one thread, it ran the language-model head's shape (512×768 · 768×50,257) at
 * 55 GFLOPS against OpenBLAS's 87, and the block shapes at 72–84 against 90–92. libtorch calls
 * {@code sgemm_} through its procedure linkage table, so a BLAS loaded into the global symbol scope
 * <em>before</em> libtorch answers those calls instead: the same routine PyTorch's own Linux builds
 * for non-Intel distributions (Debian's, for one) use.
 *
 * <p>{@code WORKBENCH_BLAS} (or {@code -Dworkbench.blas}) chooses: {@code auto} (the default: OpenBLAS
 * on a non-Intel x86-64 Linux machine when {@code libopenblas.so.0} is installed, else oneMKL),
 * {@code mkl}, {@code openblas}, or the path of a {@code libopenblas.so}. Token-by-token generation
 * multiplies one row at a time; OpenBLAS's GEMM repacks the weights for a single row, so the decode
 * step asks for matrix-vector products there (gemv), and with that OpenBLAS is the faster choice on
 * this AMD machine for training and generation alike (gpt2-small with the KV cache: 30.3 / 33.6
 * against oneMKL's 26.6 / 28.6 tokens/s at 50 / 200 new tokens, the same hour). Like
 * {@link org.llmworkbench.model.decode.NativeThreads} this must run before the first tensor exists;
 * {@link #describe()} says what was chosen and why, and run cards record it.
 */
public final class NativeBlas {
    /** The system property where the choice is published (for run cards and benchmark lines). */
    public static final String PROPERTY = "workbench.blas.active";

    private static final List<String> SEARCH = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/usr/local/lib");
    private static volatile String description;
    private static volatile NativeLibrary openBlas;
    private static volatile Function ompSetNumThreads;

    private NativeBlas() {}

    /** Makes the choice once; later calls return at once. */
    static synchronized void choose() {
        if (description != null) return;
        String wanted = firstNonBlank(System.getProperty("workbench.blas"), System.getenv("WORKBENCH_BLAS"), "auto")
                .trim();
        String w = validate(wanted);
        description = decide(wanted, w);
        System.setProperty(PROPERTY, description);
    }

    /** The setting in lower case, or a clear error naming it. */
    static String validate(String wanted) {
        String w = wanted.toLowerCase(Locale.ROOT);
        if (!(w.equals("auto") || w.equals("openblas") || w.equals("mkl") || wanted.contains("/"))) {
            throw new IllegalArgumentException("WORKBENCH_BLAS must be auto, openblas, mkl or the path of a "
                    + "libopenblas.so, got '" + wanted + "'");
        }
        return w;
    }

    private static String decide(String wanted, String w) {
        String mkl = "oneMKL (libtorch's own)";
        if (w.equals("mkl")) return mkl + ", as WORKBENCH_BLAS=mkl asks";
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        if (!linux) return mkl + ", OpenBLAS is only loaded on Linux";
        if (w.equals("auto")) {
            String arch = System.getProperty("os.arch", "");
            if (!(arch.equals("amd64") || arch.equals("x86_64"))) return mkl + ", not an x86-64 machine";
            if ("GenuineIntel".equals(cpuInfo("vendor_id"))) return mkl + ", the fast choice on Intel processors";
        }
        Path library = wanted.contains("/") ? Path.of(wanted) : find();
        if (library == null || !Files.isRegularFile(library)) {
            String where = wanted.contains("/") ? wanted : "libopenblas.so.0 in " + String.join(", ", SEARCH);
            if (!w.equals("auto")) {
                System.err.println("workbench: WORKBENCH_BLAS=" + wanted + " but " + where + " is not there; "
                        + "using libtorch's oneMKL");
            }
            return mkl + ", no OpenBLAS found (" + where + ")";
        }
        if (libtorchLoaded()) {
            return mkl + ", libtorch was loaded before OpenBLAS could be put in front of it";
        }
        try {
            int threads = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
            if (System.getenv("OMP_NUM_THREADS") == null) {
                // OpenBLAS's OpenMP build sizes its thread team from OpenMP's setting, read when OpenMP loads.
                NativeThreads.setenvIfAbsent("OMP_NUM_THREADS", Integer.toString(threads));
            }
            NativeLibrary lib = NativeLibrary.getInstance(library.toString(),
                    Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL));
            String config = lib.getFunction("openblas_get_config").invokeString(new Object[0], false);
            openBlas = lib;
            ompSetNumThreads = ompFunction();
            return "OpenBLAS (" + config.trim() + ", " + library + ")";
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return mkl + ", loading " + library + " failed: " + e.getMessage();
        }
    }

    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;

    /** What answers libtorch's GEMMs in this process, and why. */
    public static String describe() {
        choose();
        return description;
    }

    /** True when OpenBLAS was put in front of libtorch's oneMKL. */
    public static boolean usingOpenBlas() {
        choose();
        return openBlas != null;
    }

    /**
     * Sets the calling thread's OpenBLAS thread team (OpenMP's per-thread setting) to {@code n}; a no-op
     * under oneMKL. Used by workers that split one computation across threads themselves.
     */
    public static void threadsForThisThread(int n) {
        Function f = ompSetNumThreads;
        if (f != null) f.invokeVoid(new Object[] {n});
    }

    private static Function ompFunction() {
        try {
            return NativeLibrary.getInstance("libgomp.so.1").getFunction("omp_set_num_threads");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null; // a pthreads build of OpenBLAS: its global thread count is used
        }
    }

    private static Path find() {
        List<Path> candidates = new ArrayList<>();
        String conda = System.getenv("CONDA_PREFIX");
        if (conda != null) candidates.add(Path.of(conda, "lib", "libopenblas.so.0"));
        for (String dir : SEARCH) candidates.add(Path.of(dir, "libopenblas.so.0"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /**
     * The value of the first {@code field} line of /proc/cpuinfo ({@code vendor_id}, {@code flags}, ...),
     * or "" where there is none (not Linux): an unknown vendor is treated as not Intel, no flags as none.
     */
    public static String cpuInfo(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(field)) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/cpuinfo: ""
        }
        return "";
    }

    private static boolean libtorchLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libtorch_cpu");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) return v;
        }
        return "";
    }
}
