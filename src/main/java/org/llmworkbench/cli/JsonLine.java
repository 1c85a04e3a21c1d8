package org.llmworkbench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.llmworkbench.Json;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON line a command ends with: its fields in the order they were put, written on one
 * line with {@link Json#MAPPER}. Scripts and notebooks read these lines, so a key, once printed,
 * keeps its name.
 */
final class JsonLine {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    /** A line that starts with {@code "command": name}. */
    static JsonLine command(String name) {
        return new JsonLine().put("command", name);
    }

    /** A line that starts with {@code key: value} (benchmarks name themselves with {@code bench}, ...). */
    static JsonLine startingWith(String key, Object value) {
        return new JsonLine().put(key, value);
    }

    /** Adds a field, or replaces the value of one put before (it keeps its place). */
    JsonLine put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** The line's JSON text, without a line break. */
    String text() {
        try {
            return Json.MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("could not write the JSON line with keys " + fields.keySet(), e);
        }
    }

    void println(PrintStream out) {
        out.println(text());
    }

    void println(PrintWriter out) {
        out.println(text());
    }
}
