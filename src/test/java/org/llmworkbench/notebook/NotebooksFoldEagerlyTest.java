package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.datasets.Datasets;

/**
 * Every notebook of the project, at its smoke size, with variables folded three at a time instead of a
 * hundred: what the notebooks compute must not change when their variables move into holder classes
 * (parameters declared again, on-demand imports that make JShell recompile, lambdas and callbacks).
 * Folding this eagerly found a fold that made JShell replace, and so reset, a recompiled variable.
 */
class NotebooksFoldEagerlyTest {
    @TempDir
    Path out;

    @Test
    void everyNotebookRunsWithItsVariablesFoldedThreeAtATime() throws Exception {
        Path project = Path.of(System.getProperty("workbench.project.dir", ".")).toAbsolutePath();
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(project.resolve("notebooks"))) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(notebooks).hasSizeGreaterThan(5);
        for (String dataset : List.of("the-verdict", "gpt2-encoder", "sms-spam", "instruction-data", "instruction-data-with-preference")) {
            try {
                Datasets.resolve(dataset);
            } catch (RuntimeException e) {
                assumeTrue(false, dataset + " is not available (set WORKBENCH_DATA_DIR): " + e.getMessage());
            }
        }
        long before = VariableFolding.FOLDED_IN_THIS_JVM.get();
        String old = System.getProperty(VariableFolding.BATCH_PROPERTY);
        System.setProperty(VariableFolding.BATCH_PROPERTY, "3");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try {
            NotebookRunner runner = new NotebookRunner(new NotebookRunner.Options(out, java.util.Map.of(), true, List.of()),
                    new PrintStream(progress, true));
            for (Path nb : notebooks) {
                NotebookRunner.NotebookResult r = runner.run(nb, true);
                assertThat(r.ok()).as("%s with eager folding: %s\n%s", nb.getFileName(), r.failureLine(), progress).isTrue();
            }
        } finally {
            if (old == null) System.clearProperty(VariableFolding.BATCH_PROPERTY);
            else System.setProperty(VariableFolding.BATCH_PROPERTY, old);
        }
        assertThat(VariableFolding.FOLDED_IN_THIS_JVM.get() - before).as("variables folded across the notebooks").isGreaterThan(30);
    }
}
