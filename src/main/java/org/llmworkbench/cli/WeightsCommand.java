package org.llmworkbench.cli;

import org.llmworkbench.model.io.Gpt2Checkpoint;
import org.llmworkbench.model.io.HfGpt2Config;
import org.llmworkbench.model.io.HfGpt2Layout;
import org.llmworkbench.model.io.HfHub;
import org.llmworkbench.model.io.SafetensorsFile;
import org.llmworkbench.model.io.TensorInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code workbench weights SOURCE}: checks weights before a long run trips over them. A
 * {@code .safetensors} file gets its header validated and listed; a GPT-2 checkpoint (a directory
 * with config.json + model.safetensors, or a Hugging Face URL, downloaded into the cache) is loaded
 * into our layout, which checks every name and shape.
 */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = {"Check a safetensors file or a GPT-2 checkpoint (directory or https://huggingface.co/REPO URL);",
                "ends with one JSON line."})
public final class WeightsCommand implements Callable<Integer> {
    private static final int MAX_LISTED = 30;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A .safetensors file, a checkpoint directory, or a Hugging Face model URL.")
    String source;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        JsonLine summary = JsonLine.command("weights").put("source", source);
        boolean isUrl = source.startsWith("http://") || source.startsWith("https://");
        if (!isUrl && Files.isRegularFile(Path.of(source))) {
            inspectFile(Path.of(source), out, summary);
        } else {
            inspectCheckpoint(out, summary);
        }
        summary.println(out);
        out.flush();
        return 0;
    }

    private void inspectFile(Path file, PrintWriter out, JsonLine summary) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            long params = 0;
            Map<String, Integer> dtypes = new TreeMap<>();
            int listed = 0;
            for (TensorInfo t : f.infos().values()) {
                params += t.numel();
                dtypes.merge(t.dtype().name(), 1, Integer::sum);
                if (listed++ < MAX_LISTED) out.printf("%-50s %-5s %s%n", t.name(), t.dtype(), Arrays.toString(t.shape()));
            }
            if (listed > MAX_LISTED) out.printf("… and %d more%n", listed - MAX_LISTED);
            out.printf("%s: header ok, %d tensors, %,d elements%n", file, f.infos().size(), params);
            summary.put("tensors", f.infos().size());
            summary.put("elements", params);
            summary.put("dtypes", dtypes);
            summary.put("metadata", f.metadata());
        }
    }

    private void inspectCheckpoint(PrintWriter out, JsonLine summary) throws Exception {
        Gpt2Checkpoint ckpt = HfGpt2Layout.load(source, HfHub.defaults());
        HfGpt2Config c = ckpt.config();
        out.printf("GPT-2: vocab %d, context %d, emb %d, %d layers, %d heads, %s head, %s%n",
                c.vocabSize(), c.contextLength(), c.embDim(), c.nLayers(), c.nHeads(), c.tiedHead() ? "tied" : "separate",
                c.activation() == org.llmworkbench.model.GptConfig.Activation.GELU ? "exact GELU" : "tanh GELU");
        out.printf("all %d tensors present with the expected shapes: %,d parameters%n",
                ckpt.stateDict().size(), ckpt.stateDict().parameterCount());
        summary.put("vocab_size", c.vocabSize());
        summary.put("context_length", c.contextLength());
        summary.put("emb_dim", c.embDim());
        summary.put("n_layers", c.nLayers());
        summary.put("n_heads", c.nHeads());
        summary.put("tied_head", c.tiedHead());
        summary.put("activation", c.activation().hfName());
        summary.put("tensors", ckpt.stateDict().size());
        summary.put("parameters", ckpt.stateDict().parameterCount());
    }
}
