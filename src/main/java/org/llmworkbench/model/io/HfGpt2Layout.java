package org.llmworkbench.model.io;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Translates between the Hugging Face GPT-2 checkpoint layout ({@code config.json} +
 * {@code model.safetensors}) and our state dict names.
 *
 * <p>Two differences matter. Names: HF says {@code h.3.attn.c_proj}, we say
 * {@code trf_blocks.3.att.out_proj}. Layout: HF's GPT-2 uses a "Conv1D" that stores weights as
 * [in, out], while our linear layers store [out, in] like PyTorch's nn.Linear, so every projection
 * is transposed, and HF's fused q|k|v projection is split into three.
 */
public final class HfGpt2Layout {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    private static final String PREFIX = "transformer.";
    // Causal-mask buffers some checkpoints carry next to the parameters; they are not weights.
    private static final Pattern MASK_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final int MAX_LISTED = 12;

    private HfGpt2Layout() {}

    // ---- expected names and shapes (from the one table, Gpt2Parameters) ----------------------

    /** HF names (without the {@code transformer.} prefix) → shapes. */
    public static Map<String, long[]> hfShapes(HfGpt2Config c) {
        return Gpt2Parameters.hfShapes(c);
    }

    /** Our names → shapes, in the order the model declares them. */
    public static Map<String, long[]> workbenchShapes(HfGpt2Config c) {
        return Gpt2Parameters.oursShapes(c);
    }

    /**
     * Compares actual names and shapes with the expected ones and fails listing every missing,
     * unknown and mis-shaped tensor, so one run shows the whole problem.
     */
    public static void checkShapes(String where, Map<String, long[]> actual, Map<String, long[]> expected, HfGpt2Config c)
            throws IOException {
        List<String> missing = new ArrayList<>(), extra = new ArrayList<>(), wrong = new ArrayList<>();
        expected.forEach((name, shape) -> {
            long[] got = actual.get(name);
            if (got == null) missing.add(name + " " + Arrays.toString(shape));
            else if (!Arrays.equals(got, shape)) wrong.add(name + " expected " + Arrays.toString(shape) + " but is " + Arrays.toString(got));
        });
        actual.forEach((name, shape) -> {
            if (!expected.containsKey(name)) extra.add(name + " " + Arrays.toString(shape));
        });
        if (missing.isEmpty() && extra.isEmpty() && wrong.isEmpty()) return;
        StringBuilder sb = new StringBuilder(where).append(" does not match GPT-2 with vocab ").append(c.vocabSize())
                .append(", context ").append(c.contextLength()).append(", emb ").append(c.embDim())
                .append(", ").append(c.nLayers()).append(" layers, ").append(c.tiedHead() ? "tied" : "separate").append(" head:");
        list(sb, "missing", missing);
        list(sb, "unknown", extra);
        list(sb, "wrong shape", wrong);
        sb.append("\nCheck that config.json belongs to these weights.");
        throw new IOException(sb.toString());
    }

    private static void list(StringBuilder sb, String label, List<String> items) {
        if (items.isEmpty()) return;
        sb.append("\n  ").append(label).append(" (").append(items.size()).append("): ");
        sb.append(String.join(", ", items.subList(0, Math.min(MAX_LISTED, items.size()))));
        if (items.size() > MAX_LISTED) sb.append(", … and ").append(items.size() - MAX_LISTED).append(" more");
    }

    // ---- HF → ours ---------------------------------------------------------------------------

    /** Where HF tensors come from: a file read tensor by tensor, or a dict already in memory. */
    @FunctionalInterface
    private interface HfSource {
        NamedTensor get(String hfName) throws IOException;
    }

    /**
     * Converts HF-named tensors already in memory (prefix and mask buffers allowed). As with files,
     * the presence of {@code lm_head.weight} decides whether the head is tied.
     */
    public static Gpt2Checkpoint fromHuggingFace(StateDict hf, HfGpt2Config config) throws IOException {
        Map<String, String> canonical = canonicalNames("state dict", shapesOf(hf));
        HfGpt2Config c = config.withTiedHead(!canonical.containsKey("lm_head.weight"));
        Map<String, long[]> actual = new LinkedHashMap<>();
        canonical.forEach((plain, stored) -> actual.put(plain, hf.get(stored).shape()));
        checkShapes("state dict", actual, hfShapes(c), c);
        return new Gpt2Checkpoint(c, convert(c, plain -> hf.get(canonical.get(plain))));
    }

    /** Loads {@code config.json} and {@code model.safetensors} from a directory into our names. */
    public static Gpt2Checkpoint load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + (Files.exists(dir) ? " is not a folder" : " does not exist")
                    + ": a GPT-2 checkpoint is a folder with " + CONFIG_FILE + " and " + WEIGHTS_FILE);
        }
        Path configFile = dir.resolve(CONFIG_FILE), weightsFile = dir.resolve(WEIGHTS_FILE);
        for (Path p : List.of(configFile, weightsFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + " not found: a GPT-2 checkpoint directory needs " + CONFIG_FILE + " and " + WEIGHTS_FILE);
            }
        }
        HfGpt2Config config = HfGpt2Config.read(configFile);
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            Map<String, long[]> stored = new LinkedHashMap<>();
            file.infos().forEach((name, info) -> stored.put(name, info.shape()));
            Map<String, String> canonical = canonicalNames(weightsFile.toString(), stored);
            // The weights decide whether the head is tied: a separate lm_head is what the file holds.
            config = config.withTiedHead(!canonical.containsKey("lm_head.weight"));
            Map<String, long[]> actual = new LinkedHashMap<>();
            canonical.forEach((plain, name) -> actual.put(plain, stored.get(name)));
            checkShapes(weightsFile.toString(), actual, hfShapes(config), config);
            StateDict sd = convert(config, plain -> file.read(canonical.get(plain)));
            return new Gpt2Checkpoint(config, sd);
        }
    }

    /** Loads from a local directory, or from a Hugging Face URL ({@code https://huggingface.co/{repo}}) via {@code hub}. */
    public static Gpt2Checkpoint load(String source, HfHub hub) throws IOException {
        if (source.startsWith("http://") || source.startsWith("https://")) {
            String repo = HfHub.repoFromUrl(URI.create(source));
            hub.fetch(repo, CONFIG_FILE, null);
            Path weights = hub.fetch(repo, WEIGHTS_FILE, null);
            return load(weights.getParent());
        }
        return load(Path.of(source));
    }

    // plain HF name → name as stored (with or without "transformer."), dropping mask buffers.
    private static Map<String, String> canonicalNames(String where, Map<String, long[]> stored) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : stored.keySet()) {
            String plain = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
            if (MASK_BUFFER.matcher(plain).matches()) continue;
            String previous = out.put(plain, name);
            if (previous != null) {
                throw new IOException(where + ": tensor '" + plain + "' appears twice, as '" + previous + "' and '" + name + "'");
            }
        }
        return out;
    }

    private static Map<String, long[]> shapesOf(StateDict sd) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (NamedTensor t : sd.tensors()) m.put(t.name(), t.shape());
        return m;
    }

    /** Each of our tensors from its HF tensor: a third of the fused q|k|v, transposed where HF is [in, out]. */
    private static StateDict convert(HfGpt2Config c, HfSource hf) throws IOException {
        int e = c.embDim();
        StateDict sd = new StateDict();
        for (Gpt2Parameters.Row r : Gpt2Parameters.rows(c)) {
            NamedTensor t = hf.get(r.hf());
            if (r.part() >= 0) {
                int from = r.part() * e;
                t = r.transposed() ? t.columns(from, from + e) : t.slice(from, from + e);
            }
            sd.put((r.transposed() ? t.transposed() : t).renamed(r.ours()));
        }
        return sd;
    }

    // ---- ours → HF ---------------------------------------------------------------------------

    /** Converts our state dict to HF names and Conv1D layout (no prefix, no mask buffers). */
    public static StateDict toHuggingFace(StateDict ours, HfGpt2Config c) throws IOException {
        checkShapes("state dict", shapesOf(ours), workbenchShapes(c), c);
        Map<String, List<NamedTensor>> parts = new LinkedHashMap<>();
        for (Gpt2Parameters.Row r : Gpt2Parameters.rows(c)) {
            NamedTensor t = ours.get(r.ours());
            parts.computeIfAbsent(r.hf(), k -> new ArrayList<>()).add(r.transposed() ? t.transposed() : t);
        }
        StateDict hf = new StateDict();
        parts.forEach((name, list) -> {
            NamedTensor[] ts = list.toArray(new NamedTensor[0]);
            if (ts.length == 1) hf.put(ts[0].renamed(name));
            else if (ts[0].shape().length == 2) hf.put(NamedTensor.concatColumns(name, ts));
            else hf.put(NamedTensor.concat(name, ts));
        });
        return hf;
    }

    /** Writes {@code config.json} and {@code model.safetensors} (F32, {"format": "pt"}) into {@code dir}. */
    public static void save(Path dir, Gpt2Checkpoint checkpoint) throws IOException {
        StateDict hf = toHuggingFace(checkpoint.stateDict(), checkpoint.config());
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve(WEIGHTS_FILE), hf, Map.of("format", "pt"), DType.F32);
        checkpoint.config().write(dir.resolve(CONFIG_FILE));
    }
}
