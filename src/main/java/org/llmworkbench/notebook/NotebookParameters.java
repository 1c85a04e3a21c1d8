package org.llmworkbench.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Papermill-style parameters for Java notebooks. One code cell is tagged {@code parameters} and holds
 * plain declarations ({@code int steps = 200;}). Overrides become a new cell right after it that
 * re-declares the same names with the same types, so the rest of the notebook sees the new values.
 */
public final class NotebookParameters {
    public static final String TAG = "parameters";
    public static final String INJECTED_TAG = "injected-parameters";

    private static final Pattern DECLARATION = Pattern.compile(
            "^\\s*(?:final\\s+)?([A-Za-z_][\\w.]*(?:<[^=]*>)?(?:\\[\\])*)\\s+([A-Za-z_]\\w*)\\s*=\\s*(.*?)\\s*;\\s*(?://.*)?$");

    private NotebookParameters() {}

    /** A declared parameter: its Java type, name and the literal written in the notebook. */
    public record Parameter(String type, String name, String defaultValue) {}

    /** Index of the cell tagged {@code parameters}, or -1. */
    public static int parametersCellIndex(JsonNode notebook) {
        JsonNode cells = notebook.path("cells");
        for (int i = 0; i < cells.size(); i++) {
            if (NotebookFile.tags(cells.get(i)).contains(TAG)) return i;
        }
        return -1;
    }

    /** The declarations of the parameters cell, in order. */
    public static Map<String, Parameter> declared(JsonNode notebook) {
        int idx = parametersCellIndex(notebook);
        Map<String, Parameter> out = new LinkedHashMap<>();
        if (idx < 0) return out;
        for (String line : NotebookFile.source(notebook.path("cells").get(idx)).split("\n")) {
            Matcher m = DECLARATION.matcher(line);
            if (m.matches()) out.put(m.group(2), new Parameter(m.group(1), m.group(2), m.group(3)));
        }
        return out;
    }

    /** The small values the test suite runs a notebook with ({@code metadata.llm_workbench.smoke}). */
    public static Map<String, String> smoke(JsonNode notebook) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode smoke = notebook.path("metadata").path("llm_workbench").path("smoke");
        smoke.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    /**
     * A copy of the notebook with an injected cell after the parameters cell. Unknown names, a missing
     * parameters cell and values that don't fit the declared type fail with a message that says so.
     */
    public static ObjectNode inject(ObjectNode notebook, Map<String, String> overrides) {
        ObjectNode copy = notebook.deepCopy();
        if (overrides.isEmpty()) return copy;
        int idx = parametersCellIndex(copy);
        if (idx < 0) {
            throw new IllegalArgumentException("the notebook has no cell tagged '" + TAG + "', so parameters "
                    + overrides.keySet() + " cannot be set");
        }
        Map<String, Parameter> declared = declared(copy);
        StringBuilder src = new StringBuilder("// parameters injected by workbench\n");
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Parameter p = declared.get(e.getKey());
            if (p == null) {
                unknown.add(e.getKey());
                continue;
            }
            src.append(p.type()).append(' ').append(p.name()).append(" = ")
                    .append(javaLiteral(p.type(), p.name(), e.getValue())).append(";\n");
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + "; this notebook's parameters are "
                    + declared.keySet());
        }
        ArrayNode cells = (ArrayNode) copy.get("cells");
        if (idx + 1 < cells.size() && NotebookFile.tags(cells.get(idx + 1)).contains(INJECTED_TAG)) cells.remove(idx + 1);
        cells.insert(idx + 1, NotebookFile.codeCell(src.toString(), List.of(INJECTED_TAG)));
        return copy;
    }

    /** Turns a command-line value into a Java literal of the declared type. */
    static String javaLiteral(String type, String name, String value) {
        String v = value.strip();
        String what = "parameter '" + name + "' is declared " + type + " but got '" + value + "'";
        try {
            switch (type) {
                case "int", "Integer", "short", "Short", "byte", "Byte":
                    return number(v, "", Integer::parseInt);
                case "long", "Long":
                    return number(v, "L", Long::parseLong);
                case "double", "Double":
                    return number(v, "", Double::parseDouble);
                case "float", "Float":
                    return number(v, "f", Float::parseFloat);
                case "boolean", "Boolean":
                    if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException(what + " (use true or false)");
                    return v;
                case "String", "java.lang.String":
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) return v;
                    return quote(value);
                default:
                    return v; // any other type: the value is Java source, e.g. List.of(1, 2)
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what, e);
        }
    }

    /**
     * A number literal ({@code _} separators and the type's suffix allowed) checked by {@code parse}
     * and returned with the suffix its type needs ({@code L} for long, {@code f} for float).
     */
    private static String number(String v, String suffix, Consumer<String> parse) {
        String digits = suffix.isEmpty() ? v : v.replaceAll("[" + suffix.toLowerCase() + suffix.toUpperCase() + "]$", "");
        parse.accept(digits.replace("_", ""));
        return digits + suffix;
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Parses {@code name=value} pairs given on the command line. */
    public static Map<String, String> parseAssignments(List<String> assignments) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("parameter '" + a + "' must look like name=value");
            out.put(a.substring(0, eq).strip(), a.substring(eq + 1));
        }
        return out;
    }
}
