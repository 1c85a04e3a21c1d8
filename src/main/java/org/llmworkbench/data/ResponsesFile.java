package org.llmworkbench.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.AtomicFiles;
import org.llmworkbench.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The saved-responses file that instruction tuning ({@code finetune.Responses}) writes and
 * evaluation reads: a JSON array of
 * records {@code {"instruction", "input", "reference", "response", "model", "prompt_format",
 * "generation": {…}}}. {@code instruction}, {@code reference}, {@code response} and {@code model}
 * are required strings; {@code input} and {@code prompt_format} are strings (empty when absent);
 * {@code generation} is an object of settings. Any other field is ignored.
 */
public final class ResponsesFile {
    private ResponsesFile() {}

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final String[] REQUIRED = {"instruction", "reference", "response", "model"};
    private static final String[] OPTIONAL_STRINGS = {"input", "prompt_format"};

    public static List<ModelResponse> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("responses file not found: " + file);
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON array of response records, got "
                    + (root == null ? "an empty file" : root.getNodeType().toString().toLowerCase()));
        }
        List<ModelResponse> records = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            records.add(parse(root.get(i), file + ": record " + i));
        }
        return records;
    }

    private static ModelResponse parse(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " is " + kind(node) + ", expected an object with "
                    + "\"instruction\", \"input\", \"reference\", \"response\", \"model\"");
        }
        for (String field : REQUIRED) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException(where + ": missing required field \"" + field + "\"");
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where + ": field \"" + field + "\" must be a string, got " + kind(v));
            }
        }
        for (String field : OPTIONAL_STRINGS) {
            JsonNode v = node.get(field);
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw new IllegalArgumentException(where + ": field \"" + field + "\" must be a string, got " + kind(v));
            }
        }
        JsonNode gen = node.get("generation");
        if (gen != null && !gen.isNull() && !gen.isObject()) {
            throw new IllegalArgumentException(where + ": field \"generation\" must be an object of settings, got "
                    + kind(gen));
        }
        Map<String, Object> generation = gen == null || gen.isNull() ? Map.of()
                : JSON.convertValue(gen, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        return new ModelResponse(node.get("instruction").asText(), text(node, "input"), node.get("reference").asText(),
                node.get("response").asText(), node.get("model").asText(), text(node, "prompt_format"), generation);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            default -> "null";
        };
    }

    /** Writes records atomically (creating the folder), in the same layout {@link #read} expects. */
    public static void write(Path file, List<ModelResponse> records) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        for (ModelResponse r : records) {
            ObjectNode o = array.addObject();
            o.put("instruction", r.instruction());
            o.put("input", r.input());
            o.put("reference", r.reference());
            o.put("response", r.response());
            o.put("model", r.model());
            o.put("prompt_format", r.promptFormat());
            o.set("generation", JSON.valueToTree(r.generation()));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicFiles.writeBytes(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(array));
    }
}
