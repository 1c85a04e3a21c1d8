package org.llmworkbench.notebook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Jupyter mime bundle: mime type to content. Binary types (image/png) hold base64 text,
 * exactly as they travel in a notebook file and over the Jupyter protocol.
 */
public record DisplayData(Map<String, String> data) {
    public DisplayData {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static DisplayData of(String mime, String content) {
        return new DisplayData(Map.of(mime, content));
    }

    public static DisplayData text(String text) {
        return of("text/plain", text);
    }

    public boolean isEmpty() {
        return data.isEmpty();
    }

    public boolean has(String mime) {
        return data.containsKey(mime);
    }

    /** The text/plain form, or an empty string when the bundle has none. */
    public String plainText() {
        return data.getOrDefault("text/plain", "");
    }
}
