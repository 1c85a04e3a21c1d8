package org.llmworkbench.eval;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Dependencies point down the pipeline: evaluation may use data, model, train and finetune, never the layers on top. */
class EvalDependenciesTest {

    @Test
    void evalImportsNothingFromVizNotebookKernelOrCli() throws Exception {
        Path dir = Path.of("src/main/java/org/llmworkbench/eval");
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(sources).hasSizeGreaterThan(10);
            for (Path source : sources) {
                assertThat(Files.readString(source)).as(source.toString())
                        .doesNotContainPattern("import (static )?org\\.llmworkbench\\.(viz|notebook|kernel|cli)\\.");
            }
        }
    }
}
