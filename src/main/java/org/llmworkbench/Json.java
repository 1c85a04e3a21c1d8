package org.llmworkbench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The Jackson mappers the workbench shares (thread-safe once configured: configure nothing on them). */
public final class Json {
    /** Reads and writes everything that is not a file format with rules of its own. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * For file formats read from outside (safetensors headers, the dataset manifest): a repeated key,
     * anything after the document, or a null where a number belongs is an error, not a guess.
     */
    public static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Json() {}
}
