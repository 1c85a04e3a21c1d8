package org.llmworkbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporary folders for what a notebook writes only to read back (checkpoints, a saved model it
 * reloads): created in the system's temp folder and deleted, with everything in them, when the JVM
 * ends normally (the kernel shut down or restarted, a {@code workbench run} finished). Without this,
 * every run of the training notebooks left 100 MB or more behind in /tmp.
 */
public final class TempFolders {
    private TempFolders() {}

    private static final List<Path> CREATED = new ArrayList<>();
    private static boolean hooked;

    /** A new empty folder named {@code prefix} + random characters, deleted when this JVM ends. */
    public static synchronized Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            CREATED.add(dir);
            if (!hooked) {
                Runtime.getRuntime().addShutdownHook(new Thread(TempFolders::deleteAll, "workbench-temp-folders"));
                hooked = true;
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder " + prefix + "… in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /** Deletes the folders made so far (what the shutdown hook does); a folder already gone is skipped. */
    static synchronized void deleteAll() {
        for (Path dir : CREATED) {
            try {
                AtomicFiles.deleteTree(dir);
            } catch (IOException e) {
                System.err.println("workbench: could not delete the temporary folder " + dir + ": " + e.getMessage());
            }
        }
        CREATED.clear();
    }
}
