package org.llmworkbench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes that either complete under the final name or leave nothing there: the bytes go to a temp
 * file beside the target, and only a finished file is renamed into place. The temp file is created as
 * any new file is (its permissions follow the umask, e.g. rw-r--r--), not as a private temp file
 * (rw-------), and a file that is replaced keeps its permissions.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temp) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = newSibling(target, ".tmp", false);
        try {
            keepPermissions(target, temp);
            writer.writeTo(temp);
            // on disk before the rename: after a crash the target is the old file or the whole new one
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A new, empty file or directory beside {@code target} named {@code .NAME.RANDOM SUFFIX}, created
     * with the default permissions (unlike {@link Files#createTempFile}), for building what is then
     * moved into {@code target}'s place.
     */
    public static Path newSibling(Path target, String suffix, boolean directory) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        for (int attempt = 0; ; attempt++) {
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path p = dir.resolve("." + target.getFileName() + "." + random + suffix);
            try {
                return directory ? Files.createDirectory(p) : Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }

    private static void keepPermissions(Path target, Path temp) throws IOException {
        if (!Files.exists(target)) return;
        try {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the new file's defaults stand
        }
    }

    /** Deletes a folder with everything in it (deepest first); one that does not exist is left as it is. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, temp -> Files.write(temp, bytes));
    }

    public static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
