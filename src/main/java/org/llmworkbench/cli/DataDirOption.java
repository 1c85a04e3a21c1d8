package org.llmworkbench.cli;

import org.llmworkbench.datasets.Datasets;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --data-dir}: the folder to look for datasets in before the cache, instead of
 * {@code WORKBENCH_DATA_DIR} ({@code datasets}, {@code run}, {@code kernel install}; a picocli
 * {@code @Mixin}). Each command hands it on its own way: to the resolver, to the notebooks it runs, to
 * the kernel it installs.
 */
final class DataDirOption {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding the datasets, looked in first (else WORKBENCH_DATA_DIR).")
    Path dataDir;

    /** The folder given, else the one the settings name ({@link Datasets#dataDir()}: null when neither is set). */
    Path orSetting() {
        return dataDir != null ? dataDir : Datasets.dataDir();
    }
}
