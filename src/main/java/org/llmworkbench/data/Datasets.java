package org.llmworkbench.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a dataset file by its manifest name. Minimal first version: data dir, then user cache.
 * (Download with checksum and the full manifest API land with the resolver work.)
 */
public final class Datasets {
    private Datasets() {}

    /** The explicit data directory: system property {@code workbench.data.dir}, else {@code WORKBENCH_DATA_DIR}. */
    public static Path dataDir() {
        String p = System.getProperty("workbench.data.dir");
        if (p == null || p.isBlank()) p = System.getenv("WORKBENCH_DATA_DIR");
        return p == null || p.isBlank() ? null : Path.of(p);
    }

    public static Path resolve(String name) {
        String file = switch (name) {
            case "the-verdict" -> "the-verdict.txt";
            case "tinyshakespeare" -> "tinyshakespeare.txt";
            case "sms-spam" -> "SMSSpamCollection";
            case "instruction-data" -> "instruction-data.json";
            case "instruction-data-with-preference" -> "instruction-data-with-preference.json";
            case "gpt2-encoder" -> "gpt2-encoder.json";
            case "gpt2-vocab" -> "gpt2-vocab.bpe";
            default -> throw new IllegalArgumentException("unknown dataset '" + name + "'");
        };
        Path dir = dataDir();
        if (dir != null && Files.isRegularFile(dir.resolve(file))) return dir.resolve(file);
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "llm-workbench", file);
        if (Files.isRegularFile(cached)) return cached;
        throw new IllegalStateException("dataset '" + name + "' not found: put " + file
                + " in WORKBENCH_DATA_DIR or ~/.cache/llm-workbench");
    }
}
