package org.llmworkbench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dependencies point down the pipeline: a package may use its own stage and the stages before it,
 * never one after it. Sub-packages belong to their stage ({@code model.io} is {@code model}).
 */
class PackageOrderTest {
    /** Bottom to top. The root package and dataset resolution are the foundation everything may use. */
    static final List<String> ORDER = List.of("", "datasets", "text", "data", "model", "train", "finetune", "eval",
            "viz", "notebook", "kernel", "cli");

    private static final Pattern PACKAGE = Pattern.compile("^package org\\.llmworkbench((?:\\.[a-z]+)*);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.llmworkbench\\.((?:[a-z]+\\.)*)[A-Z*]");

    /** The stage of a package name below org.llmworkbench ("" for the root, "model" for "model.io"). */
    static String stage(String subPackage) {
        for (String part : subPackage.split("\\.")) {
            if (!part.isEmpty()) return part;
        }
        return "";
    }

    /** Every reference in {@code source} (comments and string literals ignored) to a stage after the file's own. */
    static List<String> violations(String file, String source) {
        String code = withoutCommentsAndStrings(source);
        Matcher p = PACKAGE.matcher(code);
        if (!p.find()) return List.of();
        String own = stage(p.group(1));
        int ownRank = rank(file, own);
        List<String> found = new ArrayList<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            String used = stage(m.group(1));
            if (rank(file, used) > ownRank) {
                found.add(file + ": '" + (own.isEmpty() ? "(root)" : own) + "' uses '" + used + "', which comes after it");
            }
        }
        return found;
    }

    private static int rank(String file, String stage) {
        int r = ORDER.indexOf(stage);
        if (r < 0) {
            throw new AssertionError(file + ": package stage '" + stage + "' is not in PackageOrderTest.ORDER; add it where it belongs");
        }
        return r;
    }

    static String withoutCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') i++;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? s.length() : end + 3;
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                char quote = s.charAt(i++);
                while (i < s.length() && s.charAt(i) != quote && s.charAt(i) != '\n') i += s.charAt(i) == '\\' ? 2 : 1;
                i++;
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    @Test
    void noPackageUsesOneAfterItInThePipeline() throws IOException {
        Path main = Path.of(System.getProperty("workbench.project.dir", ".")).resolve("src/main/java/org/llmworkbench");
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(main)) {
            for (Path f : (Iterable<Path>) all.filter(p -> p.toString().endsWith(".java"))::iterator) {
                files++;
                violations.addAll(violations(main.relativize(f).toString(), Files.readString(f)));
            }
        }
        assertThat(files).isGreaterThan(100);
        assertThat(violations).isEmpty();
    }

    @Test
    void theCheckSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
        String text = """
                package org.llmworkbench.text;
                import org.llmworkbench.data.Batch;
                import org.llmworkbench.AtomicFiles;
                import org.llmworkbench.datasets.Datasets;
                /** See org.llmworkbench.cli.WorkbenchCli. */
                class X { Object m = new org.llmworkbench.model.io.StateDict(); String s = "org.llmworkbench.kernel.K"; }
                """;
        assertThat(violations("text/X.java", text)).containsExactly(
                "text/X.java: 'text' uses 'data', which comes after it",
                "text/X.java: 'text' uses 'model', which comes after it");
        assertThat(violations("cli/Y.java", text.replace("package org.llmworkbench.text;", "package org.llmworkbench.cli.sub;")))
                .isEmpty();
        assertThat(violations("AtomicFiles.java", "package org.llmworkbench;\nimport org.llmworkbench.text.Tokenizer;\n"))
                .containsExactly("AtomicFiles.java: '(root)' uses 'text', which comes after it");
    }
}
