package org.llmworkbench.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.model.attention.AttentionModule;
import org.llmworkbench.model.attention.MultiHeadAttention;
import org.llmworkbench.model.attention.MultiHeadAttentionWrapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code workbench bench attention}: forward-pass throughput of multi-head attention as stacked
 * heads versus one batched product, on the same weights, so the speed claim in the attention
 * notebook is measured rather than asserted.
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = "Multi-head attention forward throughput: stacked heads vs batched; ends with one JSON line.")
public final class AttentionBench implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "8", description = "Sequences per batch (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--tokens", defaultValue = "256", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int tokens;
    @Option(names = "--emb", defaultValue = "768", description = "Embedding width d_in = d_out (default: ${DEFAULT-VALUE}).")
    int emb;
    @Option(names = "--heads", defaultValue = "12", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;
    @Option(names = "--iters", defaultValue = "10", description = "Timed forward passes per variant (default: ${DEFAULT-VALUE}).")
    int iters;
    @Option(names = "--warmup", defaultValue = "2", description = "Untimed passes first (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--seed", defaultValue = "123", description = "Seed for inputs and weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || tokens < 1 || heads < 1 || iters < 1 || warmup < 0 || emb < 1 || emb % heads != 0) {
            throw new IllegalArgumentException("need batch, tokens, heads, iters >= 1, warmup >= 0 and emb a positive multiple of heads");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] data = new float[batch * tokens * emb];
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < data.length; i++) data[i] = (float) rnd.nextGaussian();
            NDArray x = manager.create(data, new Shape(batch, tokens, emb));
            MultiHeadAttentionWrapper stacked = new MultiHeadAttentionWrapper(manager, emb, emb / heads, tokens, 0.0, heads, true, seed);
            MultiHeadAttention batched = MultiHeadAttention.fromHeads(manager, stacked);

            double stackedMs = time(stacked, x), batchedMs = time(batched, x);
            float maxDiff;
            try (NDArray a = stacked.forward(x); NDArray b = batched.forward(x); NDArray d = a.sub(b).abs().max()) {
                maxDiff = d.getFloat();
            }
            long tokensPerPass = (long) batch * tokens;
            out.printf("stacked heads: %8.2f ms/pass  %,12.0f tokens/s%n", stackedMs, tokensPerPass / (stackedMs / 1000));
            out.printf("batched:       %8.2f ms/pass  %,12.0f tokens/s%n", batchedMs, tokensPerPass / (batchedMs / 1000));
            out.printf("speed-up %.2fx, max |stacked - batched| = %.2e%n", stackedMs / batchedMs, maxDiff);

            JsonLine.startingWith("bench", "attention")
                    .put("batch", batch)
                    .put("tokens", tokens)
                    .put("emb", emb)
                    .put("heads", heads)
                    .put("iters", iters)
                    .put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()))
                    .put("stacked_ms_per_pass", round(stackedMs))
                    .put("batched_ms_per_pass", round(batchedMs))
                    .put("stacked_tokens_per_s", Math.round(tokensPerPass / (stackedMs / 1000)))
                    .put("batched_tokens_per_s", Math.round(tokensPerPass / (batchedMs / 1000)))
                    .put("max_abs_diff", maxDiff)
                    .println(out);
            out.flush();
            stacked.close();
            batched.close();
        }
        return 0;
    }

    private double time(AttentionModule module, NDArray x) {
        for (int i = 0; i < warmup; i++) {
            try (NDArray y = module.forward(x)) {
                y.toFloatArray();
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            try (NDArray y = module.forward(x)) {
                y.get(0, 0, 0).getFloat(); // forces the computation to finish
            }
        }
        return (System.nanoTime() - start) / 1e6 / iters;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
