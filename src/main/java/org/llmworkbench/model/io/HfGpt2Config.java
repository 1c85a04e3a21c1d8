package org.llmworkbench.model.io;

import org.llmworkbench.Json;
import org.llmworkbench.AtomicFiles;
import org.llmworkbench.model.GptConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The part of a Hugging Face GPT-2 {@code config.json} that fixes the weight shapes. GPT-2 always has
 * a bias on the q, k, v projections; the output head is tied to the token embedding unless the
 * checkpoint carries its own {@code lm_head.weight}. The activation is {@code activation_function}:
 * GPT-2's tanh GELU ({@code "gelu_new"}, transformers' default) unless it says exact {@code "gelu"}.
 */
public record HfGpt2Config(int vocabSize, int contextLength, int embDim, int nLayers, int nHeads,
                           double layerNormEpsilon, boolean tiedHead, GptConfig.Activation activation) {

    /** A config with GPT-2's tanh GELU ({@code "gelu_new"}). */
    public HfGpt2Config(int vocabSize, int contextLength, int embDim, int nLayers, int nHeads,
                        double layerNormEpsilon, boolean tiedHead) {
        this(vocabSize, contextLength, embDim, nLayers, nHeads, layerNormEpsilon, tiedHead, GptConfig.Activation.GELU_TANH);
    }

    public HfGpt2Config {
        if (activation == null) activation = GptConfig.Activation.GELU_TANH;
        positive("vocabSize (vocab_size)", vocabSize);
        positive("contextLength (n_positions)", contextLength);
        positive("embDim (n_embd)", embDim);
        positive("nLayers (n_layer)", nLayers);
        positive("nHeads (n_head)", nHeads);
        if (embDim % nHeads != 0) {
            throw new IllegalArgumentException("embDim (n_embd) = " + embDim + " must be a multiple of nHeads (n_head) = " + nHeads);
        }
        if (!(layerNormEpsilon > 0 && layerNormEpsilon < 1)) {
            throw new IllegalArgumentException("layerNormEpsilon (layer_norm_epsilon) = " + layerNormEpsilon + " must be in (0, 1)");
        }
    }

    private static void positive(String field, int value) {
        if (value < 1) throw new IllegalArgumentException(field + " = " + value + " must be >= 1");
    }

    public boolean qkvBias() {
        return true;
    }

    public HfGpt2Config withTiedHead(boolean tied) {
        return new HfGpt2Config(vocabSize, contextLength, embDim, nLayers, nHeads, layerNormEpsilon, tied, activation);
    }

    public HfGpt2Config withActivation(GptConfig.Activation a) {
        return new HfGpt2Config(vocabSize, contextLength, embDim, nLayers, nHeads, layerNormEpsilon, tiedHead, a);
    }

    /** The four released GPT-2 sizes by their usual names (gpt2-small is the repo "gpt2"). */
    public static HfGpt2Config preset(String name) {
        return switch (name) {
            case "gpt2", "gpt2-small" -> new HfGpt2Config(50257, 1024, 768, 12, 12, 1e-5, true);
            case "gpt2-medium" -> new HfGpt2Config(50257, 1024, 1024, 24, 16, 1e-5, true);
            case "gpt2-large" -> new HfGpt2Config(50257, 1024, 1280, 36, 20, 1e-5, true);
            case "gpt2-xl" -> new HfGpt2Config(50257, 1024, 1600, 48, 25, 1e-5, true);
            default -> throw new IllegalArgumentException("unknown GPT-2 preset '" + name
                    + "' (known: gpt2-small, gpt2-medium, gpt2-large, gpt2-xl)");
        };
    }

    private static final ObjectMapper JSON = Json.MAPPER;

    public static HfGpt2Config read(Path configJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configJson));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(configJson + ": not well-formed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IOException(configJson + ": expected a JSON object");
        JsonNode type = root.get("model_type");
        if (type != null && !type.asText().equals("gpt2")) {
            throw new IOException(configJson + ": model_type is '" + type.asText() + "', expected 'gpt2'");
        }
        int positions = root.has("n_positions") ? intField(configJson, root, "n_positions") : intField(configJson, root, "n_ctx");
        double eps = root.has("layer_norm_epsilon") ? root.get("layer_norm_epsilon").asDouble() : 1e-5;
        boolean tied = !root.has("tie_word_embeddings") || root.get("tie_word_embeddings").asBoolean();
        GptConfig.Activation activation = GptConfig.Activation.GELU_TANH; // transformers' GPT2Config default, "gelu_new"
        JsonNode act = root.get("activation_function");
        if (act != null && !act.isNull()) {
            if (!act.isTextual()) throw new IOException(configJson + ": field 'activation_function' = " + act + " is not a string");
            try {
                activation = GptConfig.Activation.fromHfName(act.asText());
            } catch (IllegalArgumentException e) {
                throw new IOException(configJson + ": activation_function: " + e.getMessage(), e);
            }
        }
        try {
            return new HfGpt2Config(intField(configJson, root, "vocab_size"), positions, intField(configJson, root, "n_embd"),
                    intField(configJson, root, "n_layer"), intField(configJson, root, "n_head"), eps, tied, activation);
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson + ": " + e.getMessage(), e);
        }
    }

    private static int intField(Path file, JsonNode root, String field) throws IOException {
        JsonNode v = root.get(field);
        if (v == null) throw new IOException(file + ": missing field '" + field + "'");
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new IOException(file + ": field '" + field + "' = " + v + " is not an integer");
        return v.asInt();
    }

    /** A config.json that Hugging Face transformers loads as GPT2LMHeadModel. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("GPT2LMHeadModel");
        root.put("model_type", "gpt2");
        root.put("activation_function", activation.hfName());
        root.put("vocab_size", vocabSize);
        root.put("n_positions", contextLength);
        root.put("n_ctx", contextLength);
        root.put("n_embd", embDim);
        root.put("n_layer", nLayers);
        root.put("n_head", nHeads);
        root.put("layer_norm_epsilon", layerNormEpsilon);
        root.put("tie_word_embeddings", tiedHead);
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path configJson) throws IOException {
        AtomicFiles.writeBytes(configJson, toJson());
    }
}
