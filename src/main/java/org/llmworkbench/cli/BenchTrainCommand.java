package org.llmworkbench.cli;

import org.llmworkbench.model.decode.NativeThreads;
import com.fasterxml.jackson.databind.JsonNode;
import org.llmworkbench.data.Batch;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.train.AdamW;
import org.llmworkbench.train.BatchSource;
import org.llmworkbench.train.LanguageModelObjective;
import org.llmworkbench.train.TrainConfig;
import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.Trainer;
import org.llmworkbench.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code workbench bench train}: training throughput of the full loop (forward, cross-entropy,
 * backward, clipping, AdamW) on random token ids, for (a) a 4-layer, 128-wide GPT with GPT-2's
 * vocabulary, ctx 128, batch 8 and (b) GPT-2 small (untied), ctx 256, batch 2; with
 * {@code --pytorch}, the same models trained by PyTorch ({@code bench/train_twin.py} on Debian's
 * {@code /usr/bin/python3}) right after, in the same run. Ends with one JSON line.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Training tokens/s, peak RSS and RSS drift; --pytorch runs PyTorch's twin in the same run. Ends with one JSON line.")
public final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--cases", split = ",", defaultValue = "a,b", description = "a (4x128, ctx 128, batch 8), b (gpt2-small, ctx 256, batch 2), char (shakespeare-char's 4x128, 65 characters, ctx 64, batch 12, no dropout).")
    List<String> cases;

    @Mixin
    TimedStepsOptions timing;

    @Option(names = "--drift-steps", defaultValue = "200", description = "Steps of case a over which RSS drift is measured (0 = skip).")
    int driftSteps;

    @Option(names = "--pytorch", description = "Also run PyTorch's twin (needs /usr/bin/python3 with torch: apt-get install python3-torch).")
    boolean pytorch;

    @Option(names = "--rounds", defaultValue = "1", description = "With --pytorch: alternate ours and PyTorch's twin this many times per case; the ratio reported is the median (machines vary by 15-20%% between runs).")
    int rounds;

    @Option(names = "--twin-openmp", defaultValue = "default",
            description = "OpenMP waiting for PyTorch's twin: default (PyTorch's own, spinning; faster for it here) or ours (passive, short spin) (default ${DEFAULT-VALUE}).")
    String twinOpenMp;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for --pytorch.")
    String python;

    static GptConfig shape(String name) {
        return switch (name) {
            case "a" -> new GptConfig(GptConfig.GPT2_VOCAB, 128, 128, 4, 4, 0.1, false, false);
            case "b" -> GptConfig.preset("gpt2-small").withContextLength(256);
            case "char" -> new GptConfig(65, 64, 128, 4, 4, 0.0, false, true).withActivation(GptConfig.Activation.GELU);
            default -> throw new IllegalArgumentException("unknown case '" + name + "': use a, b or char");
        };
    }

    static int batch(String name) {
        return switch (name) {
            case "a" -> 8;
            case "char" -> 12;
            default -> 2;
        };
    }

    @Override
    public Integer call() throws Exception {
        timing.check();
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        if (!twinOpenMp.equals("default") && !twinOpenMp.equals("ours")) {
            throw new IllegalArgumentException("--twin-openmp must be default or ours, got '" + twinOpenMp + "'");
        }
        JsonLine json = JsonLine.startingWith("bench", "train")
                .put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()))
                .put("blas", org.llmworkbench.model.NativeBlas.describe())
                .put("glibc_tunables", String.valueOf(System.getenv("GLIBC_TUNABLES")))
                .put("openmp", openMpSettings())
                .put("twin_openmp", twinOpenMp);
        Map<String, Map<String, Object>> oursByCase = new LinkedHashMap<>();
        for (String c : cases) {
            Map<String, Object> ours = run(c, timing.warmup + timing.steps, c.equals("a") ? driftSteps : 0);
            System.out.printf("case %s (llm-workbench): %,.0f tokens/s, peak RSS %.0f MB%s%n", c, ours.get("tokens_per_s"),
                    ((Number) ours.get("peak_rss_mb")).doubleValue(),
                    ours.containsKey("rss_drift_pct") ? String.format(", RSS drift %.1f%% over %d steps", ours.get("rss_drift_pct"), driftSteps) : "");
            json.put(c, ours);
            oursByCase.put(c, ours);
        }
        if (pytorch) {
            twinBlas = PyTorchTwin.settings(python);
            json.put("twin_blas", twinBlas);
            System.out.println("PyTorch's twin: BLAS kernels " + twinBlas.get("used") + " (" + twinBlas.get("why") + ")");
            for (String c : cases) {
                Map<String, Object> ours = oursByCase.get(c);
                List<Double> ratios = new ArrayList<>();
                List<Object> roundFigures = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    // later rounds alternate a fresh run of ours with a fresh twin: the machine's drift hits both
                    Map<String, Object> mine = round == 1 ? ours : run(c, timing.warmup + timing.steps, 0);
                    JsonNode torch = runTwin(c);
                    double ratio = ((Number) mine.get("tokens_per_s")).doubleValue() / torch.get("tokens_per_s").asDouble();
                    System.out.printf("case %s (PyTorch %s)%s: %,.0f tokens/s, peak RSS %.0f MB -> ours %,.0f / PyTorch = %.2fx%n", c,
                            torch.get("torch").asText(), rounds > 1 ? " round " + round : "", torch.get("tokens_per_s").asDouble(),
                            torch.get("peak_rss_mb").asDouble(), ((Number) mine.get("tokens_per_s")).doubleValue(), ratio);
                    ratios.add(ratio);
                    if (round == 1) ours.put("pytorch", torch);
                    roundFigures.add(Map.of("ours_tokens_per_s", mine.get("tokens_per_s"),
                            "pytorch_tokens_per_s", torch.get("tokens_per_s").asDouble(), "ratio", Math.round(ratio * 1000) / 1000.0));
                }
                double median = median(ratios);
                if (rounds > 1) {
                    ours.put("rounds", roundFigures);
                    System.out.printf("case %s: median ours / PyTorch over %d rounds = %.2fx%n", c, rounds, median);
                }
                ours.put("ratio_vs_pytorch", Math.round(median * 1000) / 1000.0);
            }
        }
        json.println(System.out);
        return 0;
    }

    private Map<String, Object> run(String c, int totalSteps, int drift) {
        GptConfig config = shape(c);
        int batch = batch(c);
        int ctx = config.contextLength();
        long[] timings = new long[Math.max(totalSteps, drift) + 1];
        double[] rss = new double[timings.length];
        int stepsToRun = Math.max(totalSteps, drift);
        try (GptModel model = GptModel.create(config, 1)) {
            BatchSource<Batch> random = new BatchSource<>() {
                public int batchesPerEpoch() { return 50; }
                public Iterator<Batch> epoch(int epoch) {
                    SplittableRandom r = new SplittableRandom(epoch);
                    List<Batch> list = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        int[][] in = new int[batch][ctx];
                        int[][] out = new int[batch][ctx];
                        for (int b = 0; b < batch; b++) for (int t = 0; t < ctx; t++) {
                            in[b][t] = r.nextInt(config.vocabSize());
                            out[b][t] = r.nextInt(config.vocabSize());
                        }
                        list.add(new Batch(in, out, new int[batch]));
                    }
                    return list.iterator();
                }
            };
            TrainConfig tc = TrainConfig.builder().maxSteps(stepsToRun).learningRate(4e-4).weightDecay(0.1)
                    .decay(AdamW.DecayPolicy.ALL).clipNorm(1.0).build();
            long[] last = {System.nanoTime()};
            Trainer<Batch> trainer = Trainer.builder(model.parameters(), new LanguageModelObjective(model), random, tc)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(Step s) {
                            long now = System.nanoTime();
                            timings[(int) s.step()] = now - last[0];
                            last[0] = now;
                            rss[(int) s.step()] = rssMb("VmRSS");
                        }
                    }).build();
            TrainResult r = trainer.run();
            long timed = 0;
            for (int s = timing.warmup + 1; s <= totalSteps; s++) timed += timings[s];
            double tokensPerSecond = (double) (totalSteps - timing.warmup) * batch * ctx / (timed / 1e9);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", config.toString());
            out.put("batch", batch);
            out.put("context", ctx);
            out.put("timed_steps", totalSteps - timing.warmup);
            out.put("tokens_per_s", Math.round(tokensPerSecond * 10) / 10.0);
            out.put("ms_per_step", Math.round(timed / 1e6 / (totalSteps - timing.warmup) * 10) / 10.0);
            out.put("final_loss", Math.round(r.stepLosses()[r.stepLosses().length - 1] * 1000) / 1000.0);
            out.put("peak_rss_mb", Math.round(rssMb("VmHWM")));
            if (drift > 0) {
                double early = rss[Math.min(20, drift)];
                double late = rss[drift];
                out.put("rss_mb_step20", Math.round(early));
                out.put("rss_mb_last", Math.round(late));
                out.put("rss_drift_pct", Math.round((late - early) / early * 1000) / 10.0);
            }
            return out;
        }
    }

    /** The twin's OpenBLAS kernels ({@link PyTorchTwin#settings}), probed once per run. */
    private Map<String, String> twinBlas = Map.of();

    private JsonNode runTwin(String c) throws IOException, InterruptedException {
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
        // OpenMP: PyTorch's default waiting (spins), faster for it here, unless --twin-openmp ours
        return PyTorchTwin.run(python, "train_twin.py", List.of("--case", c, "--steps", String.valueOf(timing.steps),
                        "--warmup", String.valueOf(timing.warmup), "--threads", String.valueOf(threads)),
                twinBlas, twinOpenMp.equals("ours") ? openMpSettings() : Map.of());
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** OpenMP's waiting policy in this process (what {@code NativeThreads} set before PyTorch loaded). */
    static Map<String, String> openMpSettings() {
        String policy = System.getenv("OMP_WAIT_POLICY");
        String spin = System.getenv("GOMP_SPINCOUNT");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_WAIT_POLICY", policy == null ? "PASSIVE" : policy);
        if (spin != null) env.put("GOMP_SPINCOUNT", spin);
        else if (policy == null || policy.equalsIgnoreCase("PASSIVE")) env.put("GOMP_SPINCOUNT", NativeThreads.SPIN_COUNT);
        return env;
    }

    static double rssMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
