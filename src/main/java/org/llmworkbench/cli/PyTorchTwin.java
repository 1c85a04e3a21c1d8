package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.llmworkbench.Json;
import org.llmworkbench.model.NativeBlas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a PyTorch twin of a bench (a script in {@code bench/}), and chooses which OpenBLAS kernels
 * it gets. Debian's python3-torch multiplies matrices with
 * OpenBLAS, which picks its kernels by the CPU model at load time. OpenBLAS 0.3.21 (Debian 12) does
 * not know newer Intel models (family 6 model 207 here, an Emerald Rapids Xeon) and falls back to
 * its Prescott kernels (SSE3 only), which run PyTorch's GEMMs at a fraction of the machine's speed.
 * Against that twin any comparison flatters us. So, unless {@code OPENBLAS_CORETYPE} is set
 * already, a twin whose OpenBLAS reports a pre-AVX2 core on a CPU with AVX2 and FMA is given the
 * newest kernel set the CPU's flags allow ({@code SkylakeX} with AVX-512, else {@code Haswell}).
 * The bench line records what OpenBLAS chose and what the twin ran with.
 */
final class PyTorchTwin {
    private PyTorchTwin() {}

    /** OpenBLAS core types whose kernels use no AVX2/FMA. */
    private static final Set<String> PRE_AVX2 = Set.of("Prescott", "Core2", "Penryn", "Dunnington", "Nehalem",
            "Sandybridge", "Atom", "Katmai", "Coppermine", "Northwood", "Banias");
    private static final List<String> AVX512 = List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
    private static final Pattern CORE = Pattern.compile("Core: (\\w+)");

    /**
     * The core type to ask OpenBLAS for, or null to leave its own choice: only when it chose kernels
     * without AVX2 on a CPU whose flags have AVX2 and FMA.
     */
    static String betterCore(String detected, Set<String> cpuFlags) {
        if (detected == null || !PRE_AVX2.contains(detected)) return null;
        if (!cpuFlags.contains("avx2") || !cpuFlags.contains("fma")) return null;
        return cpuFlags.containsAll(AVX512) ? "SkylakeX" : "Haswell";
    }

    /** The core type in OpenBLAS's verbose load message ({@code Core: Prescott}), or null when there is none. */
    static String coreIn(String verboseOutput) {
        Matcher m = CORE.matcher(verboseOutput);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Runs the twin {@code bench/SCRIPT} with {@code args} as PyTorch's users run it: glibc's default
     * malloc, and OpenMP's default waiting unless {@code openMp} gives other settings; with the kernels
     * {@code blas} chose (see {@link #settings}). Returns the JSON line the twin ends with.
     */
    static JsonNode run(String python, String script, List<String> args, Map<String, String> blas, Map<String, String> openMp)
            throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("workbench.home", ".")).resolve("bench").resolve(script);
        if (!Files.isRegularFile(file)) throw new IOException("PyTorch twin not found: " + file);
        List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().remove("GLIBC_TUNABLES");
        builder.environment().remove("OMP_WAIT_POLICY");
        builder.environment().remove("GOMP_SPINCOUNT");
        builder.environment().putAll(openMp);
        if (blas.containsKey("detected") && !blas.get("used").equals(blas.get("detected"))) {
            builder.environment().put("OPENBLAS_CORETYPE", blas.get("used"));
        }
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("PyTorch twin failed (" + String.join(" ", cmd) + "):\n" + output);
        String[] lines = output.strip().split("\n");
        return Json.MAPPER.readTree(lines[lines.length - 1]);
    }

    /**
     * What to add to the twin's environment, and what to record: {@code detected} (OpenBLAS's own
     * choice, or {@code "not OpenBLAS"}), {@code used}, and {@code why}.
     */
    static Map<String, String> settings(String python) throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        String preset = System.getenv("OPENBLAS_CORETYPE");
        if (preset != null && !preset.isBlank()) {
            out.put("used", preset);
            out.put("why", "OPENBLAS_CORETYPE was set");
            return out;
        }
        ProcessBuilder probe = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true);
        probe.environment().put("OPENBLAS_VERBOSE", "2");
        Process p = probe.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("PyTorch twin: '" + python + " -c \"import torch\"' failed:\n" + text);
        String detected = coreIn(text);
        out.put("detected", detected == null ? "not OpenBLAS" : detected);
        String flags = NativeBlas.cpuInfo("flags"); // none (not Linux): OpenBLAS's own choice stands
        String better = betterCore(detected, Set.copyOf(java.util.Arrays.asList(flags.split("\\s+"))));
        out.put("used", better != null ? better : out.get("detected"));
        out.put("why", better != null
                ? "OpenBLAS chose " + detected + " kernels (no AVX2) on a CPU with AVX2 and FMA: OPENBLAS_CORETYPE=" + better
                : detected == null ? "this PyTorch does not load OpenBLAS" : "OpenBLAS's own choice");
        return out;
    }
}
