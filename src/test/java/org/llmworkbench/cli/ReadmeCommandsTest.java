package org.llmworkbench.cli;

import org.junit.jupiter.api.Test;
import org.llmworkbench.notebook.NotebookFile;
import org.llmworkbench.notebook.NotebookParameters;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ./workbench …} line in README.md's code blocks is a command the CLI accepts: its
 * options parse, the notebooks it names exist and the {@code -p} parameters it sets are theirs.
 * (Running them all would take minutes; {@code workbench run --smoke} and the commands are tested elsewhere.)
 */
class ReadmeCommandsTest {
    private static final Path PROJECT = Path.of(System.getProperty("workbench.project.dir", ".")).toAbsolutePath();

    /** The {@code ./workbench} command lines inside the README's fenced code blocks, without trailing comments. */
    static List<String> readmeCommands(String readme) {
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        for (String line : readme.lines().toList()) {
            if (line.strip().startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            if (!inBlock) continue;
            for (String part : line.split("&&")) {
                String command = part.strip().replaceFirst("\\s+#.*$", "");
                if (command.startsWith("./workbench ")) commands.add(command);
            }
        }
        return commands;
    }

    /** Shell words: spaces separate, double or single quotes group. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else word.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || word.length() > 0) words.add(word.toString());
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
            }
        }
        if (any || word.length() > 0) words.add(word.toString());
        return words;
    }

    @Test
    void everyReadmeCommandParsesAndNamesRealNotebooksAndParameters() throws Exception {
        List<String> commands = readmeCommands(Files.readString(PROJECT.resolve("README.md")));
        assertThat(commands).as("README commands").hasSizeGreaterThanOrEqualTo(8);
        for (String command : commands) {
            List<String> args = words(command).subList(1, words(command).size());
            if (args.get(0).equals("test")) continue; // the launcher's own: mvn verify
            CommandLine.ParseResult parsed;
            try {
                parsed = WorkbenchCli.commandLine().parseArgs(args.toArray(new String[0]));
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError("README: '" + command + "' does not parse: " + e.getMessage(), e);
            }
            CommandLine.ParseResult sub = parsed.subcommand();
            assertThat(sub).as(command).isNotNull();
            if (sub.commandSpec().name().equals("run")) {
                checkRunCommand(command, sub);
            }
        }
    }

    private static void checkRunCommand(String command, CommandLine.ParseResult run) {
        List<Path> notebooks = run.matchedPositionalValue(0, List.of());
        List<String> assignments = run.matchedOptionValue("-p", List.of());
        for (Path notebook : notebooks) {
            Path file = PROJECT.resolve(notebook);
            assertThat(file).as(command).isRegularFile();
            // inject() refuses a name the notebook's parameters cell does not declare
            NotebookParameters.inject(NotebookFile.read(file), NotebookParameters.parseAssignments(assignments));
        }
    }

    @Test
    void theExtractorFindsCommandsOnlyInCodeBlocksAndKeepsQuotedWordsTogether() {
        String readme = "Run `./workbench run` inline.\n```bash\n./workbench tokenize --text \"a b\"   # ids\n"
                + "conda activate x && ./workbench kernel install --sys-prefix\n```\n./workbench not-in-a-block\n";
        assertThat(readmeCommands(readme)).containsExactly("./workbench tokenize --text \"a b\"",
                "./workbench kernel install --sys-prefix");
        assertThat(words("./workbench tokenize --text \"a b\" ''")).containsExactly("./workbench", "tokenize", "--text", "a b", "");
    }
}
