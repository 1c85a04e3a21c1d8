package org.llmworkbench.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.Json;
import org.llmworkbench.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Judge replies on disk, one small JSON file per (endpoint, model, prompt), named by the SHA-256 of
 * the three: re-running an evaluation costs no calls and gives the same scores. Holds the prompt
 * and the reply, never request headers (so never an API key).
 */
public final class JudgeCache {
    private static final ObjectMapper JSON = Json.MAPPER;
    private final Path dir;

    public JudgeCache(Path dir) {
        this.dir = dir;
    }

    public static String key(URI endpoint, String model, String prompt) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {endpoint.toString(), model, prompt}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                // length-prefix each part so ("ab", "c") and ("a", "bc") differ
                sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ':');
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file(String key) {
        return dir.resolve(key + ".json");
    }

    /** The cached reply, or empty when absent or unreadable (a damaged entry is simply asked again). */
    public Optional<String> get(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            JsonNode node = JSON.readTree(f.toFile());
            JsonNode reply = node == null ? null : node.get("reply");
            return reply != null && reply.isTextual() ? Optional.of(reply.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void put(String key, URI endpoint, String model, String prompt, String reply) {
        ObjectNode o = JSON.createObjectNode();
        o.put("endpoint", endpoint.toString());
        o.put("model", model);
        o.put("prompt", prompt);
        o.put("reply", reply);
        try {
            AtomicFiles.writeBytes(file(key), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write judge cache entry " + file(key) + ": " + e.getMessage(), e);
        }
    }
}
