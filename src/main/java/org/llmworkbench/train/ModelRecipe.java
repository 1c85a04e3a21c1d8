package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.Json;
import org.llmworkbench.Workbench;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.TensorMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that decides the weights of a model the workbench trains once and caches for later
 * notebooks (the {@code workshop-base} base model, the instruction-tuned model DPO starts from): the
 * recipe's settings, the data's sha256, a fingerprint of the starting weights and the library
 * version. A cached model records its recipe in {@code workbench.json}; it is reused only when that
 * recipe equals the one asked for, and otherwise trained again, with the entries that differ named.
 * Without this, a model left in the cache by another run (other parameters, older code, a smoke
 * run) silently became the starting point of the next notebook, and its figures changed with it.
 *
 * @param entries name → value, in the order they were added
 */
public record ModelRecipe(Map<String, String> entries) {
    /** The field of {@code workbench.json}'s {@code extra} object that holds the recipe. */
    public static final String FIELD = "recipe";

    /**
     * Bumped when a fix changes what training computes from the same settings, so that models cached
     * before it are trained again. 2: gradients no longer read memory a garbage collection could free
     * (DJL's scalar operands and Java-backed inputs kept alive through backward).
     */
    public static final int NUMERICS = 2;

    public ModelRecipe {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** A recipe of one kind ("pretraining", "instruction-tuning", ...), tagged with this library's version. */
    public static ModelRecipe of(String kind) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("kind", kind);
        e.put("llm-workbench", Workbench.version());
        e.put("numerics", Integer.toString(NUMERICS));
        return new ModelRecipe(e);
    }

    /** This recipe with one more entry (a record's {@code toString()} names every field it holds). */
    public ModelRecipe with(String name, Object value) {
        Map<String, String> e = new LinkedHashMap<>(entries);
        e.put(name, String.valueOf(value));
        return new ModelRecipe(e);
    }

    /**
     * The entries in which {@code cached} (what a saved model was trained with) differs from this
     * recipe, each as {@code name: cached value → wanted value}; empty when they are the same.
     */
    public List<String> differences(ModelRecipe cached) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String had = cached.entries.get(e.getKey());
            if (!e.getValue().equals(had)) out.add(e.getKey() + ": " + (had == null ? "(none)" : had) + " → " + e.getValue());
        }
        for (String name : cached.entries.keySet()) {
            if (!entries.containsKey(name)) out.add(name + ": " + cached.entries.get(name) + " → (none)");
        }
        return out;
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        entries.forEach(node::put);
        return node;
    }

    /** The recipe recorded in a saved model's {@code workbench.json}, if it has one. */
    public static Optional<ModelRecipe> recorded(Path modelDir) throws IOException {
        JsonNode node = TrainedModel.readInfo(modelDir).path("extra").path(FIELD);
        if (!node.isObject()) return Optional.empty();
        Map<String, String> e = new LinkedHashMap<>();
        node.fields().forEachRemaining(f -> e.put(f.getKey(), f.getValue().asText()));
        return Optional.of(new ModelRecipe(e));
    }

    /**
     * Why a cached model at {@code modelDir} cannot stand for this recipe ("" when it can): it has no
     * recorded recipe, or the entries that differ.
     */
    public String mismatch(Path modelDir) throws IOException {
        Optional<ModelRecipe> cached = recorded(modelDir);
        if (cached.isEmpty()) return "it records no recipe";
        List<String> d = differences(cached.get());
        return d.isEmpty() ? "" : "it was trained with another recipe (" + String.join("; ", d) + ")";
    }

    /**
     * The sha256 of a model's weights: every parameter's name, shape and float32 values in the
     * model's order. Equal for the same weights however they were made or loaded.
     */
    public static String weightsSha256(GptModel model) {
        MessageDigest sha = sha256();
        for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
            sha.update(p.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update(p.getValue().getShape().toString().getBytes(StandardCharsets.UTF_8));
            // the tensor's own memory where it can be read in place: no copy of gpt2-medium's 1.4 GB
            ByteBuffer bytes = TensorMemory.bytes(p.getValue());
            sha.update(bytes != null ? bytes : p.getValue().toByteBuffer());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
