package org.llmworkbench.cli;

import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.GenerationResult;
import org.llmworkbench.model.Generator;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

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

    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> speedups = new LinkedHashMap<>();
        System.out.printf("%-16s %8s %9s %10s %10s%n", "model", "tokens", "kv-cache", "seconds", "tokens/s");
        for (String name : models) {
            GptConfig config = GptConfig.preset(name);
            try (GptModel model = CliModels.open(name, seed, deviceOption.choose())) {
                int[] prompt = new int[promptTokens];
                java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                for (int i = 0; i < prompt.length; i++) prompt[i] = r.nextInt(config.vocabSize());
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
        JsonLine.startingWith("bench", "generate")
                .put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads())
                .put("blas", org.llmworkbench.model.NativeBlas.describe())
                .put("device", deviceOption.device)
                .put("load_average", loadAverage())
                .put("prompt_tokens", promptTokens)
                .put("results", rows)
                .put("kv_cache_speedup", speedups)
                .println(System.out);
        return 0;
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
