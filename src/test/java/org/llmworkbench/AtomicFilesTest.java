package org.llmworkbench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Atomic writes: the whole file or the old one, permissions as for any new file, no temp files left. */
class AtomicFilesTest {

    @Test
    void aNewFileGetsTheSamePermissionsAsAnyNewFileNotAPrivateTempFilesOnes(@TempDir Path dir) throws IOException {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic.json");
        AtomicFiles.writeBytes(atomic, "{}".getBytes());
        assertThat(Files.readString(atomic)).isEqualTo("{}");
        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(Files.getPosixFilePermissions(plain));
        // under the usual umask 022 that is rw-r--r--; Files.createTempFile would have made rw-------
        assertThat(Files.getPosixFilePermissions(atomic)).contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        Path sibling = AtomicFiles.newSibling(dir.resolve("model"), ".tmp", true);
        assertThat(sibling).isDirectory();
        assertThat(sibling.getFileName().toString()).startsWith(".model.").endsWith(".tmp");
        assertThat(Files.getPosixFilePermissions(sibling)).isEqualTo(Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("d"))));
    }

    @Test
    void aReplacedFileKeepsItsPermissions(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("card.json");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.writeBytes(f, "new".getBytes());
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTempFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data.bin");
        Files.writeString(f, "kept");
        assertThatThrownBy(() -> AtomicFiles.write(f, temp -> {
            Files.writeString(temp, "half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(f)).isEqualTo("kept");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }
}
