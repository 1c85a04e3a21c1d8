package org.llmworkbench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TempFoldersTest {

    @Test
    void foldersAreCreatedEmptyAndDeletedWithTheirContents() throws IOException {
        Path a = TempFolders.create("workbench-test-");
        Path b = TempFolders.create("workbench-test-");
        assertThat(a).isEmptyDirectory();
        assertThat(a.getFileName().toString()).startsWith("workbench-test-");
        assertThat(a).isNotEqualTo(b);
        Files.createDirectories(a.resolve("checkpoints")).resolve("step-1.safetensors").toFile().createNewFile();
        Files.writeString(b.resolve("card.json"), "{}");
        Files.delete(b.resolve("card.json"));
        Files.delete(b); // a folder the notebook removed itself is skipped
        TempFolders.deleteAll();
        assertThat(a).doesNotExist();
        assertThat(b).doesNotExist();
    }
}
