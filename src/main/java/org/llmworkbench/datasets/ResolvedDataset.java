package org.llmworkbench.datasets;

import java.nio.file.Path;

/** A dataset file that was found and checked against the manifest: what a run card records. */
public record ResolvedDataset(String name, Path path, String sha256, long size, Source source) {

    /** Where the file came from. */
    public enum Source { DATA_DIR, CACHE, DOWNLOAD }

    public ResolvedDataset {
        if (name == null || path == null || sha256 == null || source == null) {
            throw new IllegalArgumentException("name, path, sha256 and source are required");
        }
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
}
