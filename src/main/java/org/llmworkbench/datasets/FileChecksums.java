package org.llmworkbench.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * sha256 of files (the one implementation: datasets, Hugging Face downloads, weights), remembered per (path, size, modification time): a notebook resolves the same
 * dataset in many cells and should hash a megabyte once, not every time. A file rewritten in place
 * gets a new mtime (or size) and is hashed again.
 */
public final class FileChecksums {
    private FileChecksums() {}

    private record Key(Path path, long size, FileTime modified) {}

    private static final ConcurrentMap<Key, String> KNOWN = new ConcurrentHashMap<>();

    /** Lower-case hex sha256 of the file's bytes. */
    public static String sha256(Path file) throws IOException {
        Key key = keyOf(file);
        String known = KNOWN.get(key);
        if (known != null) return known;
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        String hex = hex(digest.digest());
        KNOWN.put(key, hex);
        return hex;
    }

    /** Records a hash computed elsewhere (while the file was being downloaded). */
    static void remember(Path file, String sha256) throws IOException {
        KNOWN.put(keyOf(file), sha256);
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static Key keyOf(Path file) throws IOException {
        Path real = file.toRealPath();
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
        return new Key(real, a.size(), a.lastModifiedTime());
    }
}
