package org.llmworkbench.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An application class-data archive (AppCDS) for the kernel JVM. Most of a cold start is loading
 * and verifying classes: the compiler behind JShell, jjava, the library. The JVM can record the
 * classes a run loaded into an archive and map it at the next start instead; we record one while a
 * kernel runs a few typical cells. If the jar changes later, the JVM ignores the stale archive and
 * starts as before (only slower); reinstalling the kernel records a fresh one.
 */
public final class ClassDataArchive {
    public static final String FILE_NAME = "llm-workbench.jsa";
    private static final Duration CELL_TIMEOUT = Duration.ofSeconds(120);

    /** Cells that load what notebooks use first: the compiler, text output, charts as PNG, tables as HTML. */
    static final List<String> TRAINING_CELLS = List.of(
            "1 + 1",
            "System.out.println(\"warm\");",
            "import org.knowm.xchart.*;\n"
                    + "var c = new XYChartBuilder().width(200).height(120).title(\"loss\").build();\n"
                    + "c.addSeries(\"train\", new double[]{1, 2, 3}, new double[]{3, 2, 1});\n"
                    + "display(c);",
            "tech.tablesaw.api.Table.create(\"t\", tech.tablesaw.api.IntColumn.create(\"id\", 1, 2))",
            "markdown(\"**ok**\");");

    private ClassDataArchive() {}

    /** The JVM maps archives of jar files only: a class path with folders (a build tree) can't use one. */
    public static boolean supports(String classpath) {
        return !classpath.isBlank() && Runtime.version().feature() >= 13
                && List.of(classpath.split(Pattern.quote(File.pathSeparator))).stream()
                .filter(e -> !e.isBlank())
                .allMatch(e -> e.endsWith(".jar") && Files.isRegularFile(Path.of(e)));
    }

    /** JVM options that use the archive; CDS's own messages stay quiet if it is stale. */
    public static List<String> jvmOptions(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    /** Runs a kernel from {@code spec} through the training cells and keeps the archive its JVM writes at exit. */
    public static Path record(KernelSpec spec, Path archive) throws Exception {
        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            try (KernelProcess kernel = KernelProcess.start(spec, List.of("-XX:ArchiveClassesAtExit=" + tmp.toAbsolutePath()))) {
                for (String cell : TRAINING_CELLS) kernel.run(cell, CELL_TIMEOUT);
                int exit = kernel.shutdown(CELL_TIMEOUT);
                if (exit != 0) throw new IOException("the kernel recording the class-data archive exited with " + exit);
            }
            if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                throw new IOException("the JVM wrote no class-data archive at " + tmp + "; install with --no-cds to skip it");
            }
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return archive;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
