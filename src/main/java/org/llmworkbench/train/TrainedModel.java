package org.llmworkbench.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.AtomicFiles;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.PretrainedGpt2;
import org.llmworkbench.model.io.HfGpt2Layout;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.text.CharTokenizer;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.text.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model together with the tokenizer it was trained with, loaded from a training checkpoint or a
 * Hugging Face GPT-2 directory, and saved as one. A directory written by {@link #saveHuggingFace}
 * holds {@code config.json} + {@code model.safetensors} (what {@code transformers}' GPT-2 reads) and
 * {@code workbench.json} naming the tokenizer.
 *
 * @param source where it came from, in words (shown by notebooks and the CLI)
 */
public record TrainedModel(GptModel model, Tokenizer tokenizer, String source) implements AutoCloseable {
    static final String INFO_FILE = "workbench.json";
    private static final String BPE_FILE = "tokenizer.bpe";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Rebuilds model and tokenizer from a checkpoint JSON (or the newest checkpoint of a run directory). */
    public static TrainedModel fromCheckpoint(Path jsonOrRunDir) throws IOException {
        Path json = jsonOrRunDir;
        if (Files.isRegularFile(jsonOrRunDir.resolve(HfGpt2Layout.CONFIG_FILE))) {
            throw new IllegalArgumentException(jsonOrRunDir + " is a saved model folder (" + HfGpt2Layout.CONFIG_FILE + " + "
                    + HfGpt2Layout.WEIGHTS_FILE + "), not a training run: load it with TrainedModel.fromHuggingFace(dir)");
        }
        if (Files.isDirectory(jsonOrRunDir)) json = new Checkpoints(jsonOrRunDir).latest().json();
        Checkpoint checkpoint = Checkpoints.read(json);
        JsonNode m = checkpoint.meta().path("model");
        if (!m.has("vocab_size")) throw new CheckpointException(json, "its meta has no model config (meta.model)");
        GptConfig config = new GptConfig(m.get("vocab_size").asInt(), m.get("context_length").asInt(), m.get("emb_dim").asInt(),
                m.get("n_layers").asInt(), m.get("n_heads").asInt(), m.get("drop_rate").asDouble(),
                m.get("qkv_bias").asBoolean(), m.get("tied_head").asBoolean(), activationOf(m, json));
        Tokenizer tokenizer = tokenizerFrom(checkpoint.meta().path("tokenizer"), json.getParent().getParent());
        GptModel model = GptModel.create(config, 0);
        try {
            Checkpoints.restore(checkpoint, model.parameters(), null);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new TrainedModel(model, tokenizer, "checkpoint " + json + " (step " + checkpoint.step() + ")");
    }

    /** meta.model's "activation" (a Hugging Face name); checkpoints written before it existed used tanh GELU. */
    private static GptConfig.Activation activationOf(JsonNode model, Path json) {
        JsonNode a = model.get("activation");
        if (a == null || a.isNull()) return GptConfig.Activation.GELU_TANH;
        try {
            return GptConfig.Activation.fromHfName(a.asText());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(json, "meta.model.activation: " + e.getMessage());
        }
    }

    /** Loads a Hugging Face GPT-2 directory; its tokenizer is GPT-2's unless {@code workbench.json} names another. */
    public static TrainedModel fromHuggingFace(Path dir) throws IOException {
        Tokenizer tokenizer = tokenizerOf(dir);
        GptModel model = PretrainedGpt2.load(dir);
        return new TrainedModel(model, tokenizer, "Hugging Face GPT-2 directory " + dir);
    }

    /** The tokenizer a model directory was trained with: what its {@code workbench.json} names, else GPT-2's. */
    public static Tokenizer tokenizerOf(Path dir) throws IOException {
        JsonNode spec = readInfo(dir).path("tokenizer");
        return spec.isMissingNode() ? Tokenizers.forName("gpt2") : tokenizerFrom(spec, dir);
    }

    /** A model directory's {@code workbench.json} (an empty object when there is none); a broken one is an error naming it. */
    public static JsonNode readInfo(Path dir) throws IOException {
        Path info = dir.resolve(INFO_FILE);
        if (!Files.isRegularFile(info)) return JSON.createObjectNode();
        try {
            JsonNode node = JSON.readTree(info.toFile());
            if (node == null || !node.isObject()) throw new IOException(info + " is not a JSON object");
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(info + " is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
    }

    /**
     * Writes the model in Hugging Face's GPT-2 layout (a model trained without query/key/value biases
     * gets zero biases there, which computes the same) plus {@code workbench.json}; the directory is
     * built beside the target and renamed into place, so a failed save leaves no half-written model.
     */
    public void saveHuggingFace(Path dir, JsonNode extra) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        for (Path p = parent; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IOException("cannot save a model to " + dir + ": " + p + " is a file, not a folder");
            }
        }
        requireReplaceable(dir);
        Files.createDirectories(parent);
        Path temp = AtomicFiles.newSibling(dir, ".tmp", true);
        try {
            HfGpt2Layout.save(temp, PretrainedGpt2.toCheckpoint(model));
            saveTokenizer(tokenizer, temp);
            ObjectNode info = JSON.createObjectNode();
            info.set("tokenizer", tokenizerSpec(tokenizer));
            info.put("source", source);
            if (extra != null) info.set("extra", extra);
            AtomicFiles.writeBytes(temp.resolve(INFO_FILE), JSON.writeValueAsBytes(info));
            AtomicFiles.deleteTree(dir);
            Files.move(temp, dir);
        } finally {
            AtomicFiles.deleteTree(temp);
        }
    }

    /** What a save writes into a model folder: all a folder may hold for a save to replace it. */
    private static final java.util.Set<String> SAVED_FILES = java.util.Set.of(HfGpt2Layout.CONFIG_FILE, HfGpt2Layout.WEIGHTS_FILE,
            INFO_FILE, BPE_FILE);

    /**
     * A save replaces {@code dir} as a whole, so it must be new, empty, or an earlier saved model: never a
     * folder holding anything else (a run directory with its checkpoints, one's own files).
     */
    private static void requireReplaceable(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new IOException("cannot save a model to " + dir + ": it is a file");
        List<String> others;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            others = s.map(p -> p.getFileName().toString()).filter(n -> !SAVED_FILES.contains(n)).sorted().toList();
        }
        if (!others.isEmpty()) {
            throw new IOException("cannot save a model to " + dir + ": it holds other things (" + String.join(", ",
                    others.subList(0, Math.min(5, others.size()))) + (others.size() > 5 ? ", …" : "")
                    + ") that replacing the folder would delete; save to a new or empty folder (e.g. " + dir.resolve("hf") + ")");
        }
    }

    /** How a checkpoint or model directory names its tokenizer. */
    static ObjectNode tokenizerSpec(Tokenizer tokenizer) {
        ObjectNode spec = JSON.createObjectNode();
        if (tokenizer instanceof CharTokenizer c) {
            spec.put("type", "char").put("vocabulary", c.vocabulary());
        } else if (tokenizer instanceof BpeTokenizer b && b.vocabSize() == 50_257 && isGpt2(b)) {
            spec.put("type", "gpt2");
        } else if (tokenizer instanceof BpeTokenizer) {
            spec.put("type", "bpe").put("file", BPE_FILE);
        } else {
            throw new IllegalArgumentException("cannot record tokenizer " + tokenizer.getClass().getName() + " in a checkpoint");
        }
        return spec;
    }

    private static boolean isGpt2(BpeTokenizer b) {
        return b == Tokenizers.forName("gpt2") || java.util.Arrays.equals(b.encode("Hello, world"), new int[] {15496, 11, 995});
    }

    /** Writes the tokenizer's file next to the checkpoints when it is one we trained. */
    static void saveTokenizer(Tokenizer tokenizer, Path dir) {
        if (tokenizer instanceof BpeTokenizer b && "bpe".equals(tokenizerSpec(tokenizer).path("type").asText())) {
            b.save(dir.resolve(BPE_FILE));
        }
    }

    static Tokenizer tokenizerFrom(JsonNode spec, Path dir) {
        String type = spec.path("type").asText("gpt2");
        return switch (type) {
            case "gpt2" -> Tokenizers.forName("gpt2");
            case "char" -> CharTokenizer.ofVocabulary(spec.path("vocabulary").asText());
            case "bpe" -> org.llmworkbench.text.BpeFiles.read(dir.resolve(spec.path("file").asText(BPE_FILE)));
            default -> throw new IllegalArgumentException("unknown tokenizer type '" + type + "' in " + dir);
        };
    }

    @Override
    public void close() {
        model.close();
    }
}
