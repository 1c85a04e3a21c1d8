package org.llmworkbench.datasets;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One dataset of the manifest: the file name it is stored under, where it comes from, and the
 * sha256 and size that every copy must have.
 *
 * <p>For a dataset published inside a zip archive ({@code archiveMember} set), {@code url} names the
 * archive and {@code sha256}/{@code size} describe the extracted member, which is what gets stored
 * and checked; the archive itself is only a vehicle.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetEntry(
        String name,
        String file,
        String description,
        String url,
        String archiveMember,
        String sha256,
        long size,
        String license) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public DatasetEntry {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("dataset name must be lower-case letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        String where = "dataset '" + name + "': ";
        if (file == null || file.isBlank() || file.contains("/") || file.contains("\\") || file.equals(".") || file.equals("..")) {
            throw new IllegalArgumentException(where + "file must be a plain file name (no directories), got '" + file + "'");
        }
        if (url == null || !isHttpUrl(url)) {
            throw new IllegalArgumentException(where + "url must be an absolute http(s) URL, got '" + url + "'");
        }
        if (archiveMember != null && archiveMember.isBlank()) {
            throw new IllegalArgumentException(where + "archiveMember must be absent or a non-blank zip entry name");
        }
        if (sha256 == null || !SHA256.matcher(sha256.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException(where + "sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (size <= 0) {
            throw new IllegalArgumentException(where + "size must be a positive number of bytes, got " + size);
        }
        if (license == null || license.isBlank()) {
            throw new IllegalArgumentException(where + "license must be stated");
        }
        if (description == null) description = "";
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme();
            return uri.isAbsolute() && uri.getHost() != null
                    && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @JsonIgnore
    public URI uri() {
        return URI.create(url);
    }

    @JsonIgnore
    public boolean isArchived() {
        return archiveMember != null;
    }

    /** The same entry fetched from another URL: tests and mirrors point a dataset somewhere else. */
    public DatasetEntry withUrl(String newUrl) {
        return new DatasetEntry(name, file, description, newUrl, archiveMember, sha256, size, license);
    }
}
