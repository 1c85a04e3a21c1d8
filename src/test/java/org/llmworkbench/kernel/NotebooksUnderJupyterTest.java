package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.notebook.NotebookFile;
import org.llmworkbench.notebook.NotebookParameters;
import org.llmworkbench.notebook.NotebookRunner;

/**
 * Every notebook of the project, executed by real Jupyter (nbconvert) in this kernel with its smoke
 * parameters injected papermill-style after its {@code parameters} cell. Executed copies go to
 * {@code target/jupyter-notebooks/}.
 */
@Tag(Jupyter.TAG)
class NotebooksUnderJupyterTest {
    @TempDir
    static Path home;

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsUnderJupyter() throws IOException {
        Path project = Path.of(System.getProperty("workbench.project.dir", ".")).toAbsolutePath();
        List<Path> notebooks = notebooks(project);
        if (Files.exists(project.resolve("notebooks").resolve("00-welcome.ipynb"))) {
            assertThat(notebooks).as("notebooks found under " + project.resolve("notebooks")).isNotEmpty();
        }
        if (notebooks.isEmpty()) return Stream.empty();
        Jupyter.assumeAvailable();
        Jupyter jupyter = Jupyter.install(home);
        return tests(jupyter, notebooks, project.resolve("target").resolve("jupyter-notebooks"));
    }

    static List<Path> notebooks(Path project) throws IOException {
        Path dir = project.resolve("notebooks");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
        }
    }

    static Stream<DynamicTest> tests(Jupyter jupyter, List<Path> notebooks, Path outDir) {
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> execute(jupyter, nb, outDir)));
    }

    /** Injects the smoke parameters, runs nbconvert, and fails with Jupyter's own report when a cell fails. */
    static JsonNode execute(Jupyter jupyter, Path notebook, Path outDir) throws Exception {
        ObjectNode nb = NotebookFile.read(notebook);
        if (NotebookParameters.parametersCellIndex(nb) < 0) {
            fail(notebook + " has no code cell tagged 'parameters'; every notebook needs one (see BRIEF: Notebooks)");
        }
        Map<String, String> smoke = NotebookParameters.smoke(nb);
        ObjectNode injected = withCellIds(NotebookParameters.inject(nb, smoke));
        String name = notebook.getFileName().toString();
        Path input = outDir.resolve("input").resolve(name);
        NotebookFile.write(injected, input);
        Path output = outDir.resolve(name);
        Files.deleteIfExists(output);

        Jupyter.Outcome r = jupyter.execute(input, output, 600);

        if (r.exitCode() != 0) fail("jupyter nbconvert failed on " + notebook + " with smoke parameters " + smoke + ":\n" + tail(r.output()));
        JsonNode executed = NotebookFile.read(output);
        int cellNumber = 0;
        for (JsonNode cell : executed.path("cells")) {
            cellNumber++;
            boolean meantToFail = NotebookFile.tags(cell).contains(NotebookRunner.RAISES_EXCEPTION);
            boolean failed = false;
            for (JsonNode o : cell.path("outputs")) failed |= o.path("output_type").asText().equals("error");
            assertThat(failed).as("cell %d of %s fails %s", cellNumber, name,
                    meantToFail ? "(it is tagged " + NotebookRunner.RAISES_EXCEPTION + ")" : "(no error expected)").isEqualTo(meantToFail);
        }
        return executed;
    }

    /** nbformat 4.5 wants an id on every cell; the injected cell has none yet. */
    static ObjectNode withCellIds(ObjectNode nb) {
        if (nb.path("nbformat").asInt() > 4 || nb.path("nbformat_minor").asInt() >= 5) {
            ArrayNode cells = (ArrayNode) nb.get("cells");
            for (int i = 0; i < cells.size(); i++) {
                ObjectNode c = (ObjectNode) cells.get(i);
                if (!c.hasNonNull("id")) c.put("id", "injected-" + i);
            }
        }
        return nb;
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "…" + s.substring(s.length() - 6000);
    }
}
