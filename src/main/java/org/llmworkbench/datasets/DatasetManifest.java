package org.llmworkbench.datasets;

import org.llmworkbench.Json;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The list of datasets the workbench knows by name: {@code datasets/manifest.json} in the source
 * tree, packaged into the jar as {@value #RESOURCE}.
 */
public record DatasetManifest(int version, List<DatasetEntry> datasets) {

    public static final String RESOURCE = "/org/llmworkbench/datasets/manifest.json";
    public static final int SUPPORTED_VERSION = 1;

    private static final ObjectMapper JSON = Json.STRICT;

    public DatasetManifest {
        if (version != SUPPORTED_VERSION) {
            throw new IllegalArgumentException("manifest version must be " + SUPPORTED_VERSION + ", got " + version
                    + "; this build of llm-workbench cannot read it");
        }
        if (datasets == null || datasets.isEmpty()) {
            throw new IllegalArgumentException("manifest datasets must list at least one dataset");
        }
        Set<String> names = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (DatasetEntry e : datasets) {
            if (e == null) throw new IllegalArgumentException("manifest datasets must not contain null entries");
            if (!names.add(e.name())) throw new IllegalArgumentException("manifest lists dataset '" + e.name() + "' twice");
            if (!files.add(e.file())) throw new IllegalArgumentException("manifest stores two datasets under file '" + e.file() + "'");
        }
        datasets = List.copyOf(datasets);
    }

    /** The manifest packaged with this build. */
    public static DatasetManifest bundled() {
        try (InputStream in = DatasetManifest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("dataset manifest " + RESOURCE + " is missing from the class path; rebuild with 'mvn package'");
            }
            return parse(in, "classpath:" + RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read dataset manifest " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    public static DatasetManifest read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read dataset manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses manifest JSON; {@code source} names the file in error messages. */
    public static DatasetManifest parse(InputStream json, String source) {
        try {
            return JSON.readValue(json, DatasetManifest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("dataset manifest " + source + " is not valid: "
                    + e.getMessage() + "; fix the file (fields: name, file, url, sha256, size, license, "
                    + "description, optional archiveMember)", e);
        }
    }

    public DatasetEntry entry(String name) {
        for (DatasetEntry e : datasets) {
            if (e.name().equals(name)) return e;
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "'; known datasets: " + String.join(", ", names()));
    }

    public boolean contains(String name) {
        return datasets.stream().anyMatch(e -> e.name().equals(name));
    }

    public List<String> names() {
        return datasets.stream().map(DatasetEntry::name).toList();
    }

    /** A copy with some entries replaced, e.g. pointed at a mirror. */
    public DatasetManifest map(UnaryOperator<DatasetEntry> change) {
        return new DatasetManifest(version, datasets.stream().map(change).toList());
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("datasets", datasets);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
