package org.llmworkbench.datasets;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Datasets by name, the way notebooks, the CLI and tests ask for them:
 * {@code Path p = Datasets.resolve("the-verdict");}
 *
 * <p>Looks in the explicit data directory (system property {@value #DATA_DIR_PROPERTY}, else
 * environment variable {@value #DATA_DIR_ENV}), then in the user cache (system property
 * {@value #CACHE_DIR_PROPERTY}, else {@code ~/.cache/llm-workbench}), then downloads the canonical
 * URL into the cache. Every file is checked against the manifest's sha256. Setting
 * {@value #OFFLINE_PROPERTY} (or {@value #OFFLINE_ENV}) to {@code true} forbids downloads.
 *
 * <p>Each resolution is recorded, so a run card can list exactly which bytes a run read.
 */
public final class Datasets {
    private Datasets() {}

    public static final String DATA_DIR_PROPERTY = "workbench.data.dir";
    public static final String DATA_DIR_ENV = "WORKBENCH_DATA_DIR";
    public static final String CACHE_DIR_PROPERTY = "workbench.cache.dir";
    public static final String OFFLINE_PROPERTY = "workbench.offline";
    public static final String OFFLINE_ENV = "WORKBENCH_OFFLINE";

    private static final Map<String, ResolvedDataset> RESOLVED = new ConcurrentHashMap<>();

    private static final class Bundled {
        static final DatasetManifest MANIFEST = DatasetManifest.bundled();
    }

    private static final class Http {
        static final HttpClient CLIENT = DatasetResolver.defaultHttpClient();
    }

    /** The explicit data directory: system property {@code workbench.data.dir}, else {@code WORKBENCH_DATA_DIR}; null if neither is set. */
    public static Path dataDir() {
        String p = setting(DATA_DIR_PROPERTY, DATA_DIR_ENV);
        return p == null ? null : Path.of(p);
    }

    /** The user cache: system property {@code workbench.cache.dir}, else {@code ~/.cache/llm-workbench}. */
    public static Path cacheDir() {
        String p = System.getProperty(CACHE_DIR_PROPERTY);
        if (p != null && !p.isBlank()) return Path.of(p);
        return Path.of(System.getProperty("user.home"), ".cache", "llm-workbench");
    }

    public static boolean offline() {
        return Boolean.parseBoolean(setting(OFFLINE_PROPERTY, OFFLINE_ENV));
    }

    /** The manifest packaged with this build. */
    public static DatasetManifest manifest() {
        return Bundled.MANIFEST;
    }

    /** The resolver behind {@link #resolve(String)}, reading the settings as they are now. */
    public static DatasetResolver resolver() {
        return resolver(dataDir());
    }

    /** Like {@link #resolver()} but with an explicit data directory (a CLI {@code --data-dir}); null means none. */
    public static DatasetResolver resolver(Path dataDir) {
        boolean downloads = !offline();
        return DatasetResolver.builder()
                .manifest(manifest())
                .dataDir(dataDir)
                .cacheDir(cacheDir())
                .downloads(downloads)
                .httpClient(downloads ? Http.CLIENT : null)
                .onResolved(r -> RESOLVED.put(r.name(), r))
                .build();
    }

    /** The checked local file of dataset {@code name}. */
    public static Path resolve(String name) {
        return resolver().resolve(name).path();
    }

    /** Like {@link #resolve(String)} but looking in {@code dataDir} first instead of the configured data directory. */
    public static Path resolve(String name, Path dataDir) {
        return resolver(dataDir).resolve(name).path();
    }

    /** The dataset's contents as UTF-8 text. */
    public static String readString(String name) {
        Path p = resolve(name);
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("dataset '" + name + "': cannot read " + p + " as UTF-8 text: " + e.getMessage(), e);
        }
    }

    /** Every dataset resolved in this JVM since the last {@link #clearResolved()}, by name (sorted). */
    public static Map<String, ResolvedDataset> resolvedSoFar() {
        return Collections.unmodifiableMap(new TreeMap<>(RESOLVED));
    }

    public static void clearResolved() {
        RESOLVED.clear();
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(env);
        return v == null || v.isBlank() ? null : v;
    }
}
