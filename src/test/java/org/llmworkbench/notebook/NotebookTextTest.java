package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the notebooks say about themselves, read from their source without running them: the welcome notebook's
 * tour names every notebook in the folder, and numbered sections count up in order.
 */
class NotebookTextTest {
    private static final Path NOTEBOOKS = Path.of(System.getProperty("workbench.project.dir", ".")).resolve("notebooks");

    private static List<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    private static String name(Path notebook) {
        return notebook.getFileName().toString().replaceFirst("\\.ipynb$", "");
    }

    private static List<String> cells(Path notebook, String type) {
        List<String> texts = new ArrayList<>();
        for (JsonNode cell : NotebookFile.read(notebook).path("cells")) {
            if (!cell.path("cell_type").asText().equals(type)) continue;
            StringBuilder text = new StringBuilder();
            JsonNode source = cell.path("source");
            if (source.isTextual()) text.append(source.asText());
            else source.forEach(line -> text.append(line.asText()));
            texts.add(text.toString());
        }
        return texts;
    }

    @Test
    void theWelcomeTourAndWhereNextNameEveryNotebook() throws IOException {
        Path welcome = NOTEBOOKS.resolve("00-welcome.ipynb");
        String tour = cells(welcome, "code").stream().filter(c -> c.contains("Table tour")).findFirst().orElseThrow();
        String whereNext = cells(welcome, "markdown").stream().filter(c -> c.startsWith("## Where next")).findFirst()
                .orElseThrow();
        List<Path> all = notebooks();
        assertThat(all).hasSizeGreaterThanOrEqualTo(9);
        for (Path notebook : all) {
            assertThat(tour).as("the tour table of 00-welcome").contains("\"" + name(notebook) + "\"");
            if (!name(notebook).equals("00-welcome")) {
                assertThat(whereNext).as("'Where next' of 00-welcome").contains("**" + name(notebook) + "**");
            }
        }
    }

    @Test
    void responsesFilesNamedInCommandsAreTheOnesTheNotebooksSave() throws IOException {
        Pattern option = Pattern.compile("--responses (\\S+)");
        int checked = 0;
        for (Path notebook : notebooks()) {
            for (String markdown : cells(notebook, "markdown")) {
                Matcher m = option.matcher(markdown);
                while (m.find()) {
                    String file = m.group(1);
                    String[] parts = file.split("/");
                    assertThat(parts).as(name(notebook) + ": " + file + " should be build/<notebook>/<file>").hasSize(3);
                    assertThat(parts[0]).isEqualTo("build");
                    Path writer = NOTEBOOKS.resolve(parts[1] + ".ipynb");
                    assertThat(writer).as(name(notebook) + ": " + file + " names no notebook").exists();
                    String code = String.join("\n", cells(writer, "code"));
                    assertThat(code).as(name(notebook) + ": does " + parts[1] + " save " + parts[2] + "?")
                            .contains("SavedRuns.folder(\"" + parts[1] + "\")", "\"" + parts[2] + "\"");
                    checked++;
                }
            }
        }
        assertThat(checked).as("--responses files named in the notebooks").isGreaterThanOrEqualTo(2);
    }

    @Test
    void numberedSectionsCountUpInOrder() throws IOException {
        Pattern numbered = Pattern.compile("(?m)^(#+) (\\d+)\\. ");
        for (Path notebook : notebooks()) {
            List<String> found = new ArrayList<>();
            for (String markdown : cells(notebook, "markdown")) {
                Matcher m = numbered.matcher(markdown);
                while (m.find()) found.add(m.group(1) + " " + m.group(2));
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) expected.add("## " + (i + 1));
            assertThat(found).as(name(notebook) + ": its numbered section headings").isEqualTo(expected);
        }
    }
}
