package org.llmworkbench.notebook;

import org.llmworkbench.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.llmworkbench.AtomicFiles;

/** Reading and writing nbformat-4 notebooks, kept as Jackson trees so unknown fields survive. */
public final class NotebookFile {
    static final ObjectMapper JSON = Json.MAPPER;

    private NotebookFile() {}

    /** Reads and checks a notebook; a broken file fails with its path and what is wrong. */
    public static ObjectNode read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (line " + e.getLocation().getLineNr()
                    + "): " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read notebook " + file + ": " + e.getMessage(), e);
        }
        validate(root, file.toString());
        return (ObjectNode) root;
    }

    /** Checks the parts of nbformat 4 we rely on. */
    public static void validate(JsonNode root, String where) {
        if (!(root instanceof ObjectNode)) throw new IllegalArgumentException(where + ": a notebook must be a JSON object");
        if (root.path("nbformat").asInt(-1) != 4) {
            throw new IllegalArgumentException(where + ": only nbformat 4 notebooks are supported (found nbformat "
                    + root.path("nbformat") + ")");
        }
        if (!root.path("metadata").isObject()) throw new IllegalArgumentException(where + ": missing 'metadata' object");
        JsonNode cells = root.path("cells");
        if (!cells.isArray()) throw new IllegalArgumentException(where + ": missing 'cells' array");
        for (int i = 0; i < cells.size(); i++) {
            JsonNode c = cells.get(i);
            String type = c.path("cell_type").asText("");
            if (!List.of("code", "markdown", "raw").contains(type)) {
                throw new IllegalArgumentException(where + ", cell " + (i + 1) + ": cell_type must be code, markdown or raw, not '" + type + "'");
            }
            JsonNode src = c.path("source");
            if (!(src.isTextual() || src.isArray())) {
                throw new IllegalArgumentException(where + ", cell " + (i + 1) + ": 'source' must be a string or a list of strings");
            }
            if (!c.path("metadata").isObject()) throw new IllegalArgumentException(where + ", cell " + (i + 1) + ": missing 'metadata'");
            if (type.equals("code") && !c.path("outputs").isArray()) {
                throw new IllegalArgumentException(where + ", cell " + (i + 1) + ": a code cell needs an 'outputs' array");
            }
        }
    }

    /** A cell's source as one string (nbformat allows a list of lines). */
    public static String source(JsonNode cell) {
        JsonNode src = cell.path("source");
        if (src.isTextual()) return src.asText();
        StringBuilder sb = new StringBuilder();
        for (JsonNode line : src) sb.append(line.asText());
        return sb.toString();
    }

    /** Multi-line text in the conventional nbformat form: a list of lines, each but the last ending in \n. */
    public static ArrayNode lines(String text) {
        ArrayNode arr = JSON.createArrayNode();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            arr.add(text.substring(start, end));
            start = end;
        }
        return arr;
    }

    public static List<String> tags(JsonNode cell) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : cell.path("metadata").path("tags")) out.add(t.asText());
        return out;
    }

    public static ObjectNode codeCell(String source, List<String> tags) {
        ObjectNode cell = JSON.createObjectNode();
        cell.put("id", newCellId());
        cell.put("cell_type", "code");
        cell.putNull("execution_count");
        ObjectNode meta = cell.putObject("metadata");
        if (!tags.isEmpty()) {
            ArrayNode t = meta.putArray("tags");
            tags.forEach(t::add);
        }
        cell.putArray("outputs");
        cell.set("source", lines(source));
        return cell;
    }

    /** A cell id as nbformat 4.5 wants it: 1-64 letters, digits, '-' or '_'. */
    public static String newCellId() {
        return java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** nbformat 4.5 requires an id on every cell: give one to cells that lack it. */
    public static void ensureCellIds(ObjectNode notebook) {
        if (notebook.path("nbformat_minor").asInt(0) < 5) return;
        for (JsonNode cell : notebook.path("cells")) {
            if (!cell.hasNonNull("id")) ((ObjectNode) cell).put("id", newCellId());
        }
    }

    /** The notebook as Jupyter writes it (one-space indent, trailing newline). */
    public static String toJson(JsonNode notebook) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter(" ", "\n"))
                .withArrayIndenter(new DefaultIndenter(" ", "\n"));
        try {
            return JSON.writer(printer).writeValueAsString(notebook) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(JsonNode notebook, Path file) {
        writeAtomically(file, toJson(notebook));
    }

    /** Writes next to the target and moves into place, so a crash never leaves a half-written file. */
    public static void writeAtomically(Path file, String content) {
        try {
            AtomicFiles.write(file, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
