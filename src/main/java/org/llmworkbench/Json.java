package org.llmworkbench;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson mapper the workbench shares (thread-safe once configured; configure nothing on it). */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
}
