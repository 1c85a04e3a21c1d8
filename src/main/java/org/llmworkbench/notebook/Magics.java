package org.llmworkbench.notebook;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * IJava-style magics. A cell whose first line is {@code %%name} is handed to that cell magic;
 * lines starting with {@code %name} are line magics, run in order between the Java around them.
 */
final class Magics {
    static final List<String> LINE_MAGICS = List.of("%classpath", "%jars", "%maven", "%load", "%time", "%lsmagic");
    static final List<String> CELL_MAGICS = List.of("%%time", "%%html", "%%markdown");

    private final NotebookEngine engine;
    private final MavenResolver maven = new MavenResolver();

    Magics(NotebookEngine engine) {
        this.engine = engine;
    }

    void interrupt() {
        maven.cancel();
    }

    NotebookEngine.CellOutcome run(String cell) {
        String code = cell.replace("\r\n", "\n");
        if (code.stripLeading().startsWith("%%")) return cellMagic(code);
        String[] lines = code.split("\n", -1);
        StringBuilder java = new StringBuilder();
        int javaStart = 1;
        NotebookEngine.CellOutcome last = NotebookEngine.CellOutcome.EMPTY;
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].strip();
            if (trimmed.startsWith("%") && !trimmed.startsWith("%%") && startsLineMagic(trimmed)) {
                if (!java.toString().isBlank()) {
                    last = engine.runJava(java.toString(), javaStart);
                    if (last.error() != null) return last;
                }
                last = lineMagic(trimmed, i + 1);
                if (last.error() != null) return last;
                java.setLength(0);
                javaStart = i + 2;
            } else {
                java.append(lines[i]).append('\n');
            }
        }
        if (!java.toString().isBlank()) last = engine.runJava(java.toString(), javaStart);
        return last;
    }

    /**
     * Completion on a magic's line: the magic's name while it is being typed ({@code %ma} → {@code %maven};
     * {@code %%} ones on a cell's first line only), a file or folder after {@code %load}, {@code %jars} and
     * {@code %classpath}. Empty when the cursor is not on a magic's line, so Java completion answers.
     */
    static Optional<NotebookEngine.Completion> complete(String code, int cursor) {
        int lineStart = code.lastIndexOf('\n', cursor - 1) + 1;
        String before = code.substring(lineStart, cursor);
        String typed = before.stripLeading();
        if (!typed.startsWith("%")) return Optional.empty();
        int nameStart = cursor - typed.length();
        boolean firstLine = code.substring(0, lineStart).isBlank();
        if (!typed.contains(" ") && !typed.contains("\t")) {
            List<String> names = new ArrayList<>();
            for (String m : firstLine ? concat(CELL_MAGICS, LINE_MAGICS) : LINE_MAGICS) if (m.startsWith(typed)) names.add(m);
            return Optional.of(new NotebookEngine.Completion(nameStart, cursor, names));
        }
        String name = typed.split("\\s+", 2)[0];
        if (!List.of("%load", "%jars", "%classpath").contains(name)) {
            // %time's argument is Java; a cell magic's header has no arguments
            return name.equals("%time") ? Optional.empty() : Optional.of(new NotebookEngine.Completion(cursor, cursor, List.of()));
        }
        int tokenStart = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\t')) + 1;
        String token = before.substring(tokenStart);
        return Optional.of(new NotebookEngine.Completion(lineStart + tokenStart, cursor, paths(token)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Files and folders whose path starts with {@code token} (relative to the working directory, as the magics read it); folders end in '/'. */
    private static List<String> paths(String token) {
        int slash = token.lastIndexOf('/');
        String dirPart = slash < 0 ? "" : token.substring(0, slash + 1);
        String prefix = token.substring(slash + 1);
        Path dir = Path.of(dirPart.isEmpty() ? "." : dirPart);
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix) || (n.startsWith(".") && !prefix.startsWith("."))) continue;
                out.add(dirPart + n + (Files.isDirectory(p) ? "/" : ""));
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    /**
     * The cell with its magic lines blanked (spaces, newlines kept), for JShell's completion and
     * documentation: positions stay where the client counts them, and JShell sees only Java.
     */
    static String blankMagicLines(String code) {
        if (code.indexOf('%') < 0) return code;
        String[] lines = code.split("\n", -1);
        StringBuilder out = new StringBuilder(code.length());
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].strip();
            boolean magic = (trimmed.startsWith("%%") && first) || (trimmed.startsWith("%") && !trimmed.startsWith("%%") && startsLineMagic(trimmed));
            if (magic && trimmed.startsWith("%time ")) {
                // %time's argument is Java: keep it where it is
                int at = lines[i].indexOf("%time");
                out.append(" ".repeat(at + 5)).append(lines[i].substring(at + 5));
            } else {
                out.append(magic ? " ".repeat(lines[i].length()) : lines[i]);
            }
            if (i < lines.length - 1) out.append('\n');
            if (!trimmed.isEmpty()) first = false;
        }
        return out.toString();
    }

    private static boolean startsLineMagic(String trimmed) {
        return trimmed.length() > 1 && Character.isLetter(trimmed.charAt(1));
    }

    private NotebookEngine.CellOutcome cellMagic(String code) {
        String stripped = code.stripLeading();
        int nl = stripped.indexOf('\n');
        String header = (nl < 0 ? stripped : stripped.substring(0, nl)).strip();
        String body = nl < 0 ? "" : stripped.substring(nl + 1);
        String name = header.split("\\s+", 2)[0];
        switch (name) {
            case "%%time": {
                long t0 = System.nanoTime();
                NotebookEngine.CellOutcome out = runShifted(body);
                System.out.flush();
                CurrentCell.sink().stdout(String.format(Locale.ROOT, "Wall time: %.1f ms%n", (System.nanoTime() - t0) / 1e6));
                return out;
            }
            case "%%html":
                return new NotebookEngine.CellOutcome(new Html(body).toDisplayData(), null);
            case "%%markdown":
                return new NotebookEngine.CellOutcome(new Markdown(body).toDisplayData(), null);
            default:
                return error("UndefinedMagicException", "unknown cell magic " + name + "; known: "
                        + String.join(", ", CELL_MAGICS), 1);
        }
    }

    /** Runs a cell body that started on line 2 of the cell, keeping line numbers right. */
    private NotebookEngine.CellOutcome runShifted(String body) {
        return run("\n" + body);
    }

    private NotebookEngine.CellOutcome lineMagic(String line, int lineNo) {
        String[] parts = line.split("\\s+", 2);
        String name = parts[0];
        String rest = parts.length > 1 ? parts[1].strip() : "";
        List<String> args = rest.isEmpty() ? List.of() : Arrays.asList(rest.split("\\s+"));
        try {
            switch (name) {
                case "%classpath":
                case "%jars":
                    if (args.isEmpty()) return error("MagicArgsException", name + " needs at least one path (globs like lib/*.jar work)", lineNo);
                    for (String a : args) for (Path p : expand(a, lineNo)) engine.addToClasspath(p.toAbsolutePath().toString());
                    return NotebookEngine.CellOutcome.EMPTY;
                case "%maven":
                    if (args.isEmpty()) return error("MagicArgsException", "%maven needs group:artifact:version", lineNo);
                    List<String> jars = maven.resolve(args);
                    for (String j : jars) engine.addToClasspath(j);
                    CurrentCell.sink().stdout("added " + jars.size() + " jar(s) to the class path\n");
                    return NotebookEngine.CellOutcome.EMPTY;
                case "%load":
                    if (args.size() != 1) return error("MagicArgsException", "%load needs exactly one file", lineNo);
                    return engine.load(Path.of(args.get(0)));
                case "%time": {
                    long t0 = System.nanoTime();
                    NotebookEngine.CellOutcome out = engine.runJava(rest, lineNo);
                    System.out.flush();
                    CurrentCell.sink().stdout(String.format(Locale.ROOT, "Wall time: %.1f ms%n", (System.nanoTime() - t0) / 1e6));
                    return out;
                }
                case "%lsmagic":
                    CurrentCell.sink().stdout("line magics: " + String.join(" ", LINE_MAGICS)
                            + "\ncell magics: " + String.join(" ", CELL_MAGICS) + "\n");
                    return NotebookEngine.CellOutcome.EMPTY;
                default:
                    return error("UndefinedMagicException", "unknown line magic " + name + "; known: "
                            + String.join(", ", LINE_MAGICS), lineNo);
            }
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            return error(e.getClass().getSimpleName(), e.getMessage(), lineNo);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("InterruptedException", "the cell was interrupted", lineNo);
        }
    }

    /** A path, or a glob in its last component (lib/*.jar). */
    private static List<Path> expand(String arg, int lineNo) throws IOException {
        Path p = Path.of(arg);
        String last = p.getFileName() == null ? "" : p.getFileName().toString();
        if (!last.contains("*") && !last.contains("?")) {
            if (!Files.exists(p)) throw new IllegalArgumentException("no such file or folder: " + p.toAbsolutePath());
            return List.of(p);
        }
        Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, last)) {
            for (Path x : ds) out.add(x);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("nothing matches " + arg);
        out.sort(null);
        return out;
    }

    private static NotebookEngine.CellOutcome error(String name, String message, int line) {
        return new NotebookEngine.CellOutcome(null, new CellError(name, message, line,
                List.of("cell line " + line + ": " + name + ": " + message)));
    }
}
