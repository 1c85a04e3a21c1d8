package org.llmworkbench.viz;

import ai.djl.ndarray.NDArray;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.MemoryEstimate;
import org.llmworkbench.model.ParameterSummary;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The GPT model's shapes, sizes and block-level experiments, as Tablesaw tables. */
public final class ModelTables {
    private ModelTables() {}

    /** Megabytes as the book computes them: fp32 weights, 4 bytes each, divided by 1024². */
    public static double megabytes(long parameters) {
        return parameters * 4.0 / (1024 * 1024);
    }

    /** "621.83 MB" for gpt2-small with a separate output head, as the book prints it. */
    public static String bookSize(GptConfig config) {
        return String.format(Locale.ROOT, "%.2f MB", megabytes(config.parameterCount()));
    }

    /** Every preset: its shape and parameter counts (untied as built here, tied + qkv bias as OpenAI released). */
    public static Table presets() {
        List<String> names = GptConfig.presetNames();
        List<GptConfig> configs = names.stream().map(GptConfig::preset).toList();
        return Table.create("presets",
                StringColumn.create("preset", names),
                IntColumn.create("layers", configs.stream().mapToInt(GptConfig::nLayers).toArray()),
                IntColumn.create("width", configs.stream().mapToInt(GptConfig::embDim).toArray()),
                IntColumn.create("heads", configs.stream().mapToInt(GptConfig::nHeads).toArray()),
                IntColumn.create("context", configs.stream().mapToInt(GptConfig::contextLength).toArray()),
                LongColumn.create("parameters (untied)", configs.stream().mapToLong(GptConfig::parameterCount).toArray()),
                LongColumn.create("parameters (tied + qkv bias)",
                        configs.stream().mapToLong(c -> c.asOpenAiCheckpoint().parameterCount()).toArray()));
    }

    /**
     * Training memory per preset in GiB at {@code batchSize} × {@code tokens} (capped at each
     * preset's context), with the weights also in the book's MB.
     */
    public static Table memory(int batchSize, int tokens) {
        List<String> names = GptConfig.presetNames();
        List<MemoryEstimate> e = names.stream()
                .map(n -> MemoryEstimate.of(GptConfig.preset(n), batchSize, Math.min(tokens, GptConfig.preset(n).contextLength())))
                .toList();
        Table t = Table.create("memory in GiB, fp32, batch " + batchSize,
                StringColumn.create("preset", names),
                IntColumn.create("tokens", e.stream().mapToInt(MemoryEstimate::tokens).toArray()),
                DoubleColumn.create("weights (MB, as the book)", e.stream().mapToDouble(m -> megabytes(m.parameters())).toArray()),
                DoubleColumn.create("weights", e.stream().mapToDouble(m -> MemoryEstimate.gib(m.parameterBytes())).toArray()),
                DoubleColumn.create("gradients", e.stream().mapToDouble(m -> MemoryEstimate.gib(m.gradientBytes())).toArray()),
                DoubleColumn.create("AdamW state", e.stream().mapToDouble(m -> MemoryEstimate.gib(m.optimizerBytes())).toArray()),
                DoubleColumn.create("activations", e.stream().mapToDouble(m -> MemoryEstimate.gib(m.activationBytes())).toArray()),
                DoubleColumn.create("training total", e.stream().mapToDouble(m -> MemoryEstimate.gib(m.trainingBytes())).toArray()));
        for (var column : t.columns()) {
            if (column instanceof DoubleColumn d) d.setPrintFormatter(new DecimalFormat("0.00"), "");
        }
        return t;
    }

    /** Parameters of a model by component (embeddings, attention, feed-forward, norms, head) and their share. */
    public static Table parametersByComponent(GptModel model) {
        Map<String, Long> parts = ParameterSummary.byComponent(model);
        long total = model.parameterCount();
        return Table.create("parameters of " + model.config(),
                StringColumn.create("component", parts.keySet()),
                LongColumn.create("parameters", parts.values().stream().mapToLong(Long::longValue).toArray()),
                DoubleColumn.create("share %", parts.values().stream().mapToDouble(v -> Math.round(1000.0 * v / total) / 10.0).toArray()));
    }

    /**
     * Mean and variance of each row of a [rows, features] tensor: divided by n, as layer norm
     * computes it, and by n − 1, as PyTorch's {@code var()} prints it by default.
     */
    public static Table rowStatistics(String title, NDArray x) {
        if (x.getShape().dimension() != 2) throw new IllegalArgumentException("rowStatistics needs [rows, features], got " + x.getShape());
        NDArray mean = x.mean(new int[] {-1}, true);
        float[] means = mean.toFloatArray();
        float[] variances = x.sub(mean).square().mean(new int[] {-1}).toFloatArray();
        long n = x.getShape().get(1);
        IntColumn row = IntColumn.create("row");
        DoubleColumn meanColumn = TensorTables.fourDecimals(DoubleColumn.create("mean"));
        DoubleColumn varianceColumn = TensorTables.fourDecimals(DoubleColumn.create("variance (÷ n)"));
        DoubleColumn unbiasedColumn = TensorTables.fourDecimals(DoubleColumn.create("variance (÷ n−1)"));
        for (int r = 0; r < means.length; r++) {
            row.append(r);
            meanColumn.append(Math.abs(means[r]) < 5e-5 ? 0.0 : means[r]); // -0.0000 reads as a bug; it is rounding
            varianceColumn.append(variances[r]);
            unbiasedColumn.append(n > 1 ? variances[r] * n / (n - 1.0) : Double.NaN);
        }
        return Table.create(title, row, meanColumn, varianceColumn, unbiasedColumn);
    }

    /** The shortcut experiment: mean |gradient| of each layer's weight, without and with shortcuts. */
    public static Table gradientMeans(Map<String, Double> without, Map<String, Double> with) {
        if (!without.keySet().equals(with.keySet())) {
            throw new IllegalArgumentException("both runs must name the same layers, got " + without.keySet() + " and " + with.keySet());
        }
        DoubleColumn a = DoubleColumn.create("without shortcuts", without.values().stream().mapToDouble(Double::doubleValue).toArray());
        DoubleColumn b = DoubleColumn.create("with shortcuts", with.values().stream().mapToDouble(Double::doubleValue).toArray());
        for (DoubleColumn c : List.of(a, b)) c.setPrintFormatter(new DecimalFormat("0.00000000"), "");
        return Table.create("mean |gradient| of each layer's weight", StringColumn.create("parameter", without.keySet()), a, b);
    }
}
