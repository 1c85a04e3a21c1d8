package org.llmworkbench.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import org.llmworkbench.Json;
import org.llmworkbench.TempFolders;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.GenerationResult;
import org.llmworkbench.model.Generator;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.TokenTensors;
import org.llmworkbench.model.io.Safetensors;
import org.llmworkbench.model.io.StateDict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code workbench bench generate}: greedy generation speed with and without the KV cache, for a
 * few model sizes and lengths (random weights: speed does not depend on their values). Threads
 * come from {@code -Dai.djl.pytorch.num_threads} (the launcher sets it).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Tokens/s of generation with and without the KV cache; ends with one JSON line.")
public final class BenchGenerateCommand implements Callable<Integer> {

    @Option(names = "--models", split = ",", defaultValue = "gpt2-small,workshop-small",
            description = "Presets to measure (default ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--lengths", split = ",", defaultValue = "50,200",
            description = "New tokens per run (default ${DEFAULT-VALUE}).")
    List<Integer> lengths;

    @Option(names = "--prompt-tokens", defaultValue = "16", description = "Prompt length (default ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--cache-only", description = "Skip the (slow) runs without the KV cache.")
    boolean cacheOnly;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random weights and prompt.")
    long seed;

    @Mixin
    DeviceOption deviceOption;

    @Option(names = "--pytorch", description = "Also run PyTorch's twin (bench/generate_twin.py) on the same weights and "
            + "prompt, KV cache, greedy; needs /usr/bin/python3 with torch (apt-get install python3-torch).")
    boolean pytorch;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for --pytorch.")
    String python;

    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> speedups = new LinkedHashMap<>();
        Map<String, String> twinBlas = pytorch ? PyTorchTwin.settings(python) : Map.of();
        if (pytorch) {
            System.out.println("PyTorch's twin: BLAS kernels " + twinBlas.get("used") + " (" + twinBlas.get("why") + ")");
        }
        System.out.printf("%-16s %8s %9s %10s %10s%n", "model", "tokens", "kv-cache", "seconds", "tokens/s");
        for (String name : models) {
            GptConfig config = GptConfig.preset(name);
            try (GptModel model = CliModels.open(name, seed, deviceOption.choose())) {
                Path weights = pytorch ? twinWeights(model) : null;
                int[] prompt = new int[promptTokens];
                java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                for (int i = 0; i < prompt.length; i++) prompt[i] = r.nextInt(config.vocabSize());
                float[] promptLogits = pytorch ? lastLogits(model, prompt) : null;
                // Warm-up: the first calls pay for native initialization and JIT compilation (whose
                // compiler threads compete with the decode workers for the cores), so measure from steady state.
                int warmups = warmUp(model, prompt);
                Generator.generate(model, prompt, GenerationConfig.greedy(4).withKvCache(false));
                for (int length : lengths) {
                    double withCache = 0;
                    for (boolean cache : cacheOnly ? new boolean[] {true} : new boolean[] {true, false}) {
                        GenerationResult res = Generator.generate(model, prompt,
                                GenerationConfig.greedy(length).withKvCache(cache));
                        double seconds = res.totalNanos() / 1e9;
                        double tps = res.tokensPerSecond();
                        System.out.printf("%-16s %8d %9s %10.2f %10.2f%n", name, length, cache, seconds, tps);
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("model", name);
                        row.put("new_tokens", length);
                        row.put("kv_cache", cache);
                        row.put("seconds", round(seconds));
                        row.put("tokens_per_s", round(tps));
                        row.put("warmup_runs", warmups);
                        rows.add(row);
                        if (cache && pytorch) {
                            Path logitsFile = weights.resolveSibling("logits-" + length + ".f32");
                            JsonNode twin = runTwin(weights, prompt, length, logitsFile, twinBlas);
                            double ratio = tps / twin.get("tokens_per_s").asDouble();
                            int same = sameLeadingIds(res.newTokens(), twin.get("ids"));
                            double logitsDiff = maxAbsDifference(promptLogits, readFloats(logitsFile));
                            System.out.printf("%-16s %8d   PyTorch %s %10.2f %10.2f -> ours / PyTorch = %.2fx; the first %d of %d "
                                    + "tokens are the same; prompt logits differ by %.1e at most%n", name, length,
                                    twin.get("torch").asText(), twin.get("seconds").asDouble(),
                                    twin.get("tokens_per_s").asDouble(), ratio, same, length, logitsDiff);
                            row.put("pytorch_tokens_per_s", twin.get("tokens_per_s").asDouble());
                            row.put("ratio_vs_pytorch", round(ratio));
                            row.put("same_leading_ids", same);
                            row.put("prompt_logits_max_abs_diff", logitsDiff);
                        }
                        if (cache) {
                            withCache = tps;
                        } else {
                            double speedup = withCache / tps;
                            speedups.put(name + "@" + length, round(speedup));
                            System.out.printf("%-16s %8d  kv-cache speed-up: %.2fx%n", name, length, speedup);
                        }
                    }
                }
            }
        }
        JsonLine json = JsonLine.startingWith("bench", "generate");
        if (pytorch) json.put("twin_blas", twinBlas);
        json.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads())
                .put("blas", org.llmworkbench.model.NativeBlas.describe())
                .put("device", deviceOption.device)
                .put("load_average", loadAverage())
                .put("prompt_tokens", promptTokens)
                .put("results", rows)
                .put("kv_cache_speedup", speedups)
                .println(System.out);
        return 0;
    }

    /** The model's weights as our state dict in a temporary safetensors file, for the twin to read. */
    private static Path twinWeights(GptModel model) throws IOException {
        Path dir = TempFolders.create("workbench-generate-twin");
        Path weights = dir.resolve("weights.safetensors");
        Safetensors.write(weights, StateDict.fromNDArrays(model.parameters()));
        Files.writeString(dir.resolve("config.json"), Json.MAPPER.writeValueAsString(model.config()));
        return weights;
    }

    /** Our logits at the prompt's last position (the full forward pass, no cache). */
    private static float[] lastLogits(GptModel model, int[] prompt) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.forward(TokenTensors.of(scope, prompt));
            return logits.get(0, prompt.length - 1).toFloatArray();
        }
    }

    private static float[] readFloats(Path file) throws IOException {
        java.nio.FloatBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    static double maxAbsDifference(float[] ours, float[] theirs) {
        if (ours.length != theirs.length) {
            throw new IllegalStateException("PyTorch's twin gave " + theirs.length + " logits, ours are " + ours.length);
        }
        double max = 0;
        for (int i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i] - theirs[i]));
        return max;
    }

    private JsonNode runTwin(Path weights, int[] prompt, int length, Path logitsOut, Map<String, String> twinBlas)
            throws IOException, InterruptedException {
        return PyTorchTwin.run(python, "generate_twin.py", List.of("--weights", weights.toString(),
                "--config", weights.resolveSibling("config.json").toString(),
                "--prompt", Arrays.stream(prompt).mapToObj(String::valueOf).collect(Collectors.joining(",")),
                "--new", String.valueOf(length), "--threads", String.valueOf(ai.djl.pytorch.jni.JniUtils.getNumThreads()),
                "--logits-out", logitsOut.toString()), twinBlas, Map.of());
    }

    /** How many of the first generated ids the twin picked too, before the first difference. */
    static int sameLeadingIds(int[] ours, JsonNode theirs) {
        int n = 0;
        while (n < ours.length && n < theirs.size() && ours[n] == theirs.get(n).asInt()) n++;
        return n;
    }

    /** The 1-minute load average: figures taken on a busy machine read low, this says how busy it was. */
    private static Double loadAverage() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? null : round(load);
    }

    /**
     * Generates 40 tokens with the cache until two runs in a row agree on the time per decoded token
     * within 5% (at most 8 runs); returns how many runs that took.
     */
    static int warmUp(GptModel model, int[] prompt) {
        double previous = Double.MAX_VALUE;
        int runs = 0;
        while (runs < 8) {
            GenerationResult g = Generator.generate(model, prompt, GenerationConfig.greedy(40));
            runs++;
            double perToken = (g.totalNanos() - g.prefillNanos()) / (double) Math.max(1, g.newTokens().length - 1);
            if (Math.abs(perToken - previous) <= 0.05 * previous) break;
            previous = perToken;
        }
        return runs;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
