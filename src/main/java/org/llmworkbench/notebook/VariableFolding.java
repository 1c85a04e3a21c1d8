package org.llmworkbench.notebook;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.ImportSnippet;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.VarSnippet;

/**
 * JShell compiles every snippet with an {@code import static} of each live declaration, and javac reads
 * the class of each one again for every compilation (about five per cell): after 1,000 variables a
 * cell took 2.5 times as long as at the start. So once {@value #BATCH} variables are waiting, the
 * engine folds them into one class of public static fields, compiled here into a folder on the
 * cells' class path, which later cells see through a single {@code import static …Vars.*} (javac
 * reads that class once and keeps it). The values are copied, the old fields of object type cleared,
 * and the variables' snippets dropped. Cells go on reading and assigning {@code d5} as before.
 *
 * <p>Only variables whose meaning cannot change are folded, so that a later cell sees what plain
 * JShell would have shown:
 * <ul>
 * <li>no live method, class or variable mentions the name (dropping a variable makes JShell recompile
 *     what uses it; those stay as they are);
 * <li>no code that can run later mentions it: no method or class, live or replaced, and no lambda,
 *     method reference or class body in any snippet ever run ({@link #mayOutlive}). Such code reads the
 *     variable's own field, for ever; once that field's value had moved, it would read a stale one;
 * <li>its type is written without classes declared in the notebook and can be named in Java (no
 *     anonymous or intersection types): a class declared in a cell can be replaced, a library's can't;
 * <li>no static import brings in a field of the same name.
 * </ul>
 * A cell that declares a folded name again gets a new variable, which shadows the folded field (a
 * single import beats an on-demand one) and which JShell recompiles the name's users against; such a
 * name is never folded again, and its folded field keeps its value (as JShell keeps a replaced
 * variable's). A static import that would bring in a folded name first turns it back into a variable,
 * as it was.
 *
 * <p>Adding a static on-demand import through JShell would recompile every declaration, so the holders'
 * imports are appended to the engine's own {@code import static …FoldAnchor.*}, declared when the
 * engine starts. That line is JShell's own object, reached by reflection: where that is not possible,
 * nothing is folded.
 */
final class VariableFolding implements AutoCloseable {
    /** Variables waiting before a fold. */
    static final int BATCH = 100;
    /** Overrides {@link #BATCH}; 0 turns folding off (a way out, should folding ever get in the way). */
    static final String BATCH_PROPERTY = "workbench.fold.batch";
    static final String ANCHOR_IMPORT = "import static " + FoldAnchor.class.getName() + ".*;";
    /**
     * Where holders live. Cells name a holder by its full name, and a variable named like the first part
     * of a package would hide the package ({@code workbench.folds…} with {@code String workbench} declared);
     * no notebook variable starts with '$' (JShell keeps those names for itself).
     */
    private static final String PACKAGE = "$workbench.f";
    /** A holder's full name, as Java's messages print it ({@code $workbench.f3.Vars}). */
    static final Pattern HOLDER_NAME = Pattern.compile(Pattern.quote(PACKAGE) + "[0-9]+\\.Vars");
    private static final Pattern IDENT = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*");
    private static final Pattern STATIC_IMPORT = Pattern.compile(
            "^\\s*import\\s+static\\s+([\\p{L}\\p{N}_$.]+)\\.([\\p{L}\\p{N}_$]+|\\*)\\s*;?\\s*$");
    private static final Pattern CLASS_WORD = Pattern.compile("\\b(class|interface|enum|record)\\b");
    private static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "char", "short", "int", "long", "float", "double");

    /** Variables folded by every engine of this JVM (for tests that run whole notebooks). */
    static final java.util.concurrent.atomic.AtomicLong FOLDED_IN_THIS_JVM = new java.util.concurrent.atomic.AtomicLong();

    private final JShell shell;
    private final CellExecutionControl control;
    private final Supplier<List<String>> classpath;
    private final int batch;
    private final Field guts;
    private final Method simpleWrap;
    private final Method wrapped;
    /** Where a folded name, still read through its holder, lives, and its type as JShell wrote it. */
    private record Folded(String holder, String type) {}

    private final Map<String, Folded> live = new HashMap<>();
    /** Every name ever folded: never folded again (two holders with one name would be ambiguous). */
    private final Set<String> everFolded = new HashSet<>();
    /** Names whose type javac could not compile outside JShell. */
    private final Set<String> refused = new HashSet<>();
    private final List<String> holderImports = new ArrayList<>();
    private Path root;
    private StandardJavaFileManager files;
    private ImportSnippet anchor;
    private String anchorText;
    /** Below this many live variables, no fold is tried (the others could not be folded last time). */
    private int nextTry;
    private boolean disabled;
    private int failedCopies;
    private int holdersWritten;

    VariableFolding(JShell shell, CellExecutionControl control, Supplier<List<String>> classpath, int batch) {
        this.shell = shell;
        this.control = control;
        this.classpath = classpath;
        this.batch = batch;
        this.nextTry = batch;
        Field g = null;
        Method wrap = null;
        Method text = null;
        try {
            g = Snippet.class.getDeclaredField("guts");
            g.setAccessible(true);
            Class<?> wrapClass = Class.forName("jdk.jshell.Wrap");
            wrap = wrapClass.getDeclaredMethod("simpleWrap", String.class);
            wrap.setAccessible(true);
            text = wrapClass.getMethod("wrapped");
            text.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            g = null; // not opened to us, or a different JShell: variables stay as JShell keeps them
        }
        this.guts = g;
        this.simpleWrap = wrap;
        this.wrapped = text;
        this.disabled = batch <= 0 || g == null || ToolProvider.getSystemJavaCompiler() == null;
    }

    /** Variables folded so far. */
    int folded() {
        return everFolded.size();
    }

    /**
     * Before a snippet is evaluated: a static import that would bring in a folded name (a field of
     * that name, or the name itself) turns that name back into a variable first, so that the import
     * meets a variable, as it would have without folding.
     */
    void beforeSnippet(String source) {
        if (live.isEmpty()) return;
        Matcher m = STATIC_IMPORT.matcher(source);
        if (!m.matches()) return;
        Set<String> names = m.group(2).equals("*") ? staticFieldNames(m.group(1)) : Set.of(m.group(2));
        if (names == null) return;
        for (String name : new ArrayList<>(live.keySet())) {
            if (names.contains(name)) unfold(name);
        }
    }

    /** After a cell: forgets folded names that were declared again, then folds if enough variables wait. */
    void afterCell() {
        if (disabled) return;
        try {
            List<VarSnippet> vars = shell.variables()
                    .filter(v -> v.subKind() != Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND)
                    .toList();
            if (!live.isEmpty()) {
                for (VarSnippet v : vars) if (live.containsKey(v.name())) release(v.name());
            }
            if (vars.size() < nextTry) return;
            List<VarSnippet> candidates = foldable(vars);
            if (candidates.size() < batch) {
                nextTry = vars.size() - candidates.size() + batch;
                return;
            }
            fold(candidates);
            nextTry = batch;
        } catch (RuntimeException | IOException e) {
            disable("folding failed: " + e);
        }
    }

    private List<VarSnippet> foldable(List<VarSnippet> vars) {
        Set<String> notebookTypes = shell.types().map(TypeDeclSnippet::name).collect(Collectors.toSet());
        Set<String> mentioned = new HashSet<>();
        Set<String> imported = new HashSet<>();
        for (Snippet s : (Iterable<Snippet>) shell.snippets()::iterator) {
            boolean active = shell.status(s).isActive();
            if (s instanceof ImportSnippet i) {
                if (!active || !i.isStatic()) continue;
                if (i.fullname().endsWith(".*")) {
                    Set<String> fields = staticFieldNames(i.fullname().substring(0, i.fullname().length() - 2));
                    if (fields == null) return List.of(); // cannot tell what it brings in: fold nothing
                    imported.addAll(fields);
                } else {
                    imported.add(i.name());
                }
                continue;
            }
            // code that reads a variable's field after its snippet ran: any method or class, live or replaced,
            // and lambdas or class bodies in any snippet; it would go on reading the old field
            boolean lasting = s instanceof MethodSnippet || s instanceof TypeDeclSnippet || mayOutlive(s.source());
            // a live declaration that uses a variable is recompiled by JShell when that variable is dropped
            boolean declaration = active && s instanceof DeclarationSnippet;
            if (!lasting && !declaration) continue;
            String self = !lasting && s instanceof VarSnippet v ? v.name() : null;
            Matcher m = IDENT.matcher(s.source());
            while (m.find()) if (!m.group().equals(self)) mentioned.add(m.group());
        }
        List<VarSnippet> out = new ArrayList<>();
        for (VarSnippet v : vars) {
            String name = v.name();
            if (shell.status(v) != Snippet.Status.VALID || name.startsWith("$") || everFolded.contains(name) || refused.contains(name)
                    || mentioned.contains(name) || imported.contains(name) || !nameable(v.typeName(), notebookTypes)) {
                continue;
            }
            out.add(v);
        }
        return out;
    }

    /** Source that may leave code behind which runs later: a lambda, a method reference, a class body. */
    static boolean mayOutlive(String source) {
        return source.contains("->") || source.contains("::") || CLASS_WORD.matcher(source).find()
                || (source.contains("new") && source.contains("{"));
    }

    /** A type a class outside the notebook can declare a field of. */
    static boolean nameable(String type, Set<String> notebookTypes) {
        if (type == null || type.isBlank() || type.contains("&") || type.contains("<anonymous") || type.contains("capture#")
                || type.contains("<any>") || type.contains("<none>") || type.equals("void") || type.equals("<nulltype>")) {
            return false;
        }
        Matcher m = IDENT.matcher(type);
        while (m.find()) if (notebookTypes.contains(m.group())) return false;
        return true;
    }

    private void fold(List<VarSnippet> candidates) throws IOException {
        if (!findAnchor()) {
            disable("the engine's import line is gone");
            return;
        }
        int number = ++holdersWritten; // never a name javac has seen before: it keeps the classes it read
        String holder = PACKAGE + number + ".Vars";
        Map<String, VarSnippet> fields = new LinkedHashMap<>();
        for (VarSnippet v : candidates) fields.put(v.name(), v);
        List<String> imports = shell.imports()
                .filter(i -> !i.isStatic())
                .map(i -> i.source().strip())
                .collect(Collectors.toCollection(ArrayList::new));
        boolean compiled = compileHolder(number, holder, imports, fields);
        for (VarSnippet v : candidates) if (!compiled || !fields.containsKey(v.name())) refused.add(v.name());
        if (!compiled) return; // they stay notebook variables, and are not tried again
        if (root != null && holderImports.isEmpty()) shell.addToClasspath(root.toString());
        holderImports.add("import static " + holder + ".*;");
        setAnchor();
        // copy first; only once every value is in the holder are the old fields cleared and the variables dropped
        StringBuilder copy = new StringBuilder("{\n");
        for (String name : fields.keySet()) copy.append(holder).append('.').append(name).append(" = ").append(name).append(";\n");
        if (!ranCleanly(shell.eval(copy.append("}").toString()))) { // e.g. the cell was being interrupted
            holderImports.remove(holderImports.size() - 1);
            setAnchor();
            if (++failedCopies == 3) disable("three times the variables could not be copied into a holder");
            return;
        }
        StringBuilder clear = new StringBuilder("{\n");
        for (Map.Entry<String, VarSnippet> f : fields.entrySet()) {
            if (!PRIMITIVES.contains(f.getValue().typeName())) clear.append(f.getKey()).append(" = null;\n");
        }
        shell.eval(clear.append("}").toString()); // if this fails, old fields keep their objects alive: memory only
        for (Map.Entry<String, VarSnippet> f : fields.entrySet()) {
            shell.drop(f.getValue());
            live.put(f.getKey(), new Folded(holder, f.getValue().typeName()));
            everFolded.add(f.getKey());
        }
        FOLDED_IN_THIS_JVM.addAndGet(fields.size());
    }

    private static boolean ranCleanly(List<SnippetEvent> events) {
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            if (e.status() != Snippet.Status.VALID || e.exception() != null) return false;
        }
        return !events.isEmpty();
    }

    /**
     * Writes and compiles {@code holder}, one field a line. Fields (or imports) javac refuses are left
     * out and the rest compiled again. False when nothing is left.
     */
    private boolean compileHolder(int number, String holder, List<String> imports, Map<String, VarSnippet> fields) throws IOException {
        if (root == null) root = Files.createTempDirectory("workbench-folds");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (files == null) files = javac.getStandardFileManager(null, null, null);
        List<String> options = List.of("-d", root.toString(), "-classpath", String.join(File.pathSeparator, classpath.get()),
                "-proc:none", "-Xlint:none", "-implicit:none", "-nowarn");
        for (int attempt = 0; attempt < 4 && !fields.isEmpty(); attempt++) {
            List<String> lines = new ArrayList<>();
            lines.add("package " + PACKAGE + number + ";");
            lines.addAll(imports);
            int firstImport = 2;
            lines.add("public final class Vars {");
            lines.add("    private Vars() {}");
            int firstField = lines.size() + 1;
            List<String> order = new ArrayList<>(fields.keySet());
            for (String name : order) lines.add("    public static " + fields.get(name).typeName() + " " + name + ";");
            lines.add("}");
            String source = String.join("\n", lines) + "\n";
            DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
            JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + holder.replace('.', '/') + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            boolean ok = javac.getTask(null, files, diags, options, null, List.of(unit)).call();
            if (ok) return true;
            Set<Integer> bad = new HashSet<>();
            for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) bad.add((int) d.getLineNumber());
            }
            boolean removed = false;
            for (int line : bad) {
                int f = line - firstField;
                int i = line - firstImport;
                if (f >= 0 && f < order.size()) {
                    removed |= fields.remove(order.get(f)) != null;
                } else if (i >= 0 && i < imports.size()) {
                    imports.set(i, "");
                    removed = true;
                }
            }
            if (!removed) return false;
        }
        return false;
    }

    /** Turns a folded name back into a variable of the notebook, with its current value. */
    private void unfold(String name) {
        Folded f = live.get(name);
        List<SnippetEvent> events = shell.eval(f.type() + " " + name + " = " + f.holder() + "." + name + ";");
        if (ranCleanly(events)) release(name);
    }

    /**
     * The name is a notebook variable again. Its folded field keeps its value, as JShell keeps a replaced
     * variable's: a lambda made while the name was folded still reads it.
     */
    private void release(String name) {
        live.remove(name);
    }

    /** Static fields a static on-demand import of {@code className} brings in; null when the class can't be seen. */
    private Set<String> staticFieldNames(String className) {
        Class<?> c;
        try {
            c = control.classNamed(className);
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            c = nestedClass(className);
            if (c == null) return null;
        }
        Set<String> out = new HashSet<>();
        for (Field f : c.getFields()) if (Modifier.isStatic(f.getModifiers())) out.add(f.getName());
        return out;
    }

    /** {@code a.b.Outer.Inner} as Java names it, {@code a.b.Outer$Inner} as the class loader does. */
    private Class<?> nestedClass(String name) {
        String binary = name;
        for (int dot = binary.lastIndexOf('.'); dot > 0; dot = binary.lastIndexOf('.', dot - 1)) {
            binary = binary.substring(0, dot) + "$" + binary.substring(dot + 1);
            try {
                return control.classNamed(binary);
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                // try one level further out
            }
        }
        return null;
    }

    /** Stops folding (variables stay as JShell keeps them; only speed is lost) and says why in the kernel's log. */
    private void disable(String why) {
        disabled = true;
        OutputCapture.originalErr().println("llm-workbench: variables are no longer folded: " + why);
    }

    private boolean findAnchor() {
        if (anchor != null) return shell.status(anchor).isActive();
        String fullname = FoldAnchor.class.getName();
        anchor = shell.imports().filter(i -> i.isStatic() && i.fullname().equals(fullname + ".*")).findFirst().orElse(null);
        if (anchor == null) return false;
        try {
            anchorText = (String) wrapped.invoke(guts.get(anchor));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The engine's import line, followed by an import of every holder, all on that one line: a line more in
     * the imports would shift every line number in the classes JShell compiles, so that a variable JShell
     * recompiles (after a new on-demand import, say) no longer matches its loaded class and is replaced,
     * losing its value. JShell writes all its imports on one line for the same reason.
     */
    private void setAnchor() {
        String text = anchorText + (holderImports.isEmpty() ? "" : " " + String.join(" ", holderImports));
        try {
            guts.set(anchor, simpleWrap.invoke(null, text));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot extend the engine's import line", e);
        }
    }

    @Override
    public void close() {
        try {
            if (files != null) files.close();
        } catch (IOException e) {
            // nothing kept open matters any more
        }
        if (root == null) return;
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temp folder left behind
        }
    }
}
