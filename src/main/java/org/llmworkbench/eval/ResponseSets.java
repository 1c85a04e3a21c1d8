package org.llmworkbench.eval;

import org.llmworkbench.Json;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.data.ResponsesFile;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named sets of responses to compare, one per model: read from saved responses files, or taken from
 * the book's preference data, whose {@code chosen} (polite) and {@code rejected} (impolite) answers
 * are two real answer sets with the same reference {@code output} — useful before any model is trained.
 */
public final class ResponseSets {
    private ResponseSets() {}

    /** One set per file, named by the file's model (the file name when two files name the same model). */
    public static Map<String, List<ModelResponse>> read(List<Path> files) throws IOException {
        Map<String, List<ModelResponse>> sets = new LinkedHashMap<>();
        for (Path file : files) {
            List<ModelResponse> records = ResponsesFile.read(file);
            if (records.isEmpty()) throw new IllegalArgumentException(file + ": no responses");
            String model = records.stream().map(ModelResponse::model).distinct().count() == 1 ? records.get(0).model()
                    : file.getFileName().toString();
            sets.put(sets.containsKey(model) ? file.getFileName().toString() : model, records);
        }
        return sets;
    }

    /**
     * The first {@code limit} records of a preference file ({@code instruction}, {@code input},
     * {@code output}, {@code chosen}, {@code rejected}) as two sets, "chosen" and "rejected", both
     * scored against {@code output}.
     */
    public static Map<String, List<ModelResponse>> fromPreferenceData(Path file, int limit) throws IOException {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        JsonNode root = Json.MAPPER.readTree(Files.readString(file));
        if (root == null || !root.isArray()) throw new IllegalArgumentException(file + ": expected a JSON array of preference records");
        List<ModelResponse> chosen = new ArrayList<>();
        List<ModelResponse> rejected = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, root.size()); i++) {
            JsonNode r = root.get(i);
            for (String field : new String[] {"instruction", "output", "chosen", "rejected"}) {
                if (!r.path(field).isTextual()) {
                    throw new IllegalArgumentException(file + ": record " + i + ": field \"" + field + "\" must be a string");
                }
            }
            Map<String, Object> source = Map.of("source", file.getFileName().toString());
            String input = r.path("input").asText("");
            chosen.add(new ModelResponse(r.get("instruction").asText(), input, r.get("output").asText(),
                    r.get("chosen").asText(), "chosen", "", source));
            rejected.add(new ModelResponse(r.get("instruction").asText(), input, r.get("output").asText(),
                    r.get("rejected").asText(), "rejected", "", source));
        }
        Map<String, List<ModelResponse>> sets = new LinkedHashMap<>();
        sets.put("chosen", chosen);
        sets.put("rejected", rejected);
        return sets;
    }
}
