package org.llmworkbench.notebook;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * The execution engine shared by the Jupyter kernel, the headless runner and the tests: a JShell
 * session with the library on its class path, state kept across cells, output captured per cell,
 * rich results, IJava-style magics, and interrupts.
 */
public final class NotebookEngine implements AutoCloseable {
    /** Imports every cell sees without asking. */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "java.util.*", "java.util.function.*", "java.util.stream.*", "java.io.*", "java.nio.file.*",
            "org.llmworkbench.*", "static org.llmworkbench.notebook.Display.*");

    /** Cells of all engines in this JVM run one at a time: they share System.out and the native engine. */
    private static final ReentrantLock EXECUTION = new ReentrantLock();

    private final CellExecutionControl control;
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final Magics magics;
    private final Set<String> classpath = new LinkedHashSet<>();
    private volatile boolean interrupted;
    private volatile boolean closed;
    /** Snippet id to the cell line it starts on, for the running cell's snippets (tracebacks name their lines). */
    private final Map<String, Integer> cellSnippetLines = new HashMap<>();
    private final RetiredWrappers retired;
    private final VariableFolding folding;

    public NotebookEngine() {
        this(List.of());
    }

    /** @param extraClasspath entries added after the JVM's own class path */
    public NotebookEngine(List<String> extraClasspath) {
        OutputCapture.install();
        CellExecutionControl.Provider provider = new CellExecutionControl.Provider();
        this.control = provider.control();
        this.shell = JShell.builder()
                .executionEngine(provider, java.util.Map.of())
                .out(OutputCapture.originalOut())
                .err(OutputCapture.originalErr())
                .compilerOptions("-Xlint:none", "-proc:none")
                .build();
        this.analysis = shell.sourceCodeAnalysis();
        this.retired = new RetiredWrappers(shell);
        this.folding = new VariableFolding(shell, control, this::classpath,
                Integer.getInteger(VariableFolding.BATCH_PROPERTY, VariableFolding.BATCH));
        this.magics = new Magics(this);
        for (String entry : jvmClasspath()) addToClasspath(entry);
        for (String entry : extraClasspath) addToClasspath(entry);
        String imports = DEFAULT_IMPORTS.stream().map(i -> "import " + i + ";").collect(Collectors.joining("\n"))
                + "\n" + VariableFolding.ANCHOR_IMPORT;
        CellResult r = execute(imports, OutputSink.console());
        if (!r.isOk()) throw new IllegalStateException("engine start failed: " + r.error().summary());
    }

    /** The class path the JVM was started with (under Surefire, the test class path). */
    static List<String> jvmClasspath() {
        String cp = System.getProperty("workbench.classpath");
        if (cp == null || cp.isBlank()) cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path", "");
        List<String> out = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) if (!e.isBlank()) out.add(e);
        return out;
    }

    public List<String> classpath() {
        return List.copyOf(classpath);
    }

    /** Adds a jar or class folder; later cells can use its classes. */
    public void addToClasspath(String entry) {
        if (classpath.add(entry)) shell.addToClasspath(entry);
    }

    /** Runs a cell, sending its output to {@code sink}. Returns its result value or the error that stopped it. */
    public CellResult execute(String code, OutputSink sink) {
        if (closed) throw new IllegalStateException("engine is closed");
        long start = System.nanoTime();
        EXECUTION.lock();
        try {
            interrupted = false;
            cellSnippetLines.clear();
            control.beginCell();
            OutputCapture.install();
            CurrentCell.set(sink);
            CellOutcome outcome;
            pendingNotes.clear();
            try {
                outcome = magics.run(code);
            } catch (RuntimeException e) {
                outcome = new CellOutcome(null, engineError(e));
            }
            try {
                sayPendingNotes();
            } catch (RuntimeException e) {
                if (outcome.error == null) outcome = new CellOutcome(null, engineError(e));
            }
            // the end-of-cell housekeeping runs whatever the cell did: a failed cell's snippets count too
            try {
                if (!interrupted) folding.afterCell();
                retired.sweep();
            } catch (RuntimeException e) {
                if (outcome.error == null) outcome = new CellOutcome(null, engineError(e));
            }
            OutputCapture.flush();
            return outcome.error == null
                    ? CellResult.ok(outcome.value, System.nanoTime() - start)
                    : CellResult.failed(outcome.error, System.nanoTime() - start);
        } catch (RuntimeException e) {
            OutputCapture.flush();
            return CellResult.failed(engineError(e), System.nanoTime() - start);
        } finally {
            CurrentCell.set(null);
            EXECUTION.unlock();
        }
    }

    /** How many compiled wrappers JShell keeps for stack traces (-1 when they can't be seen). */
    int keptWrappers() {
        return retired.kept();
    }

    /** How many compiled classes JShell's file manager keeps (javac lists them all in every compilation; -1 when unseen). */
    int keptClassFiles() {
        return retired.classFilesKept();
    }

    /** Variables folded into holder classes so far ({@link VariableFolding}). */
    int foldedVariables() {
        return folding.folded();
    }

    /** Whether {@code name} is one of JShell's variables (not folded away). */
    boolean isNotebookVariable(String name) {
        return shell.variables().anyMatch(v -> v.name().equals(name));
    }

    /** How many snippets JShell still holds as active (each later snippet is compiled against them all). */
    long activeSnippets() {
        return shell.snippets().filter(sn -> shell.status(sn).isActive()).count();
    }

    /** Stops the running cell (from another thread): the kernel's interrupt_request. */
    public void interrupt() {
        interrupted = true;
        magics.interrupt();
        shell.stop();
    }

    boolean wasInterrupted() {
        return interrupted;
    }

    /** The outcome of running Java source (magics removed); {@code firstLine} is its 1-based line in the cell. */
    record CellOutcome(DisplayData value, CellError error) {
        static final CellOutcome EMPTY = new CellOutcome(null, null);
    }

    /** Splits Java source into snippets and evaluates them in order, stopping at the first error. */
    CellOutcome runJava(String source, int firstLine) {
        String remaining = source;
        int offset = 0;
        Value value = null;
        while (!remaining.isBlank()) {
            if (interrupted) return new CellOutcome(null, interruptedError());
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            int consumed = remaining.length() - info.remaining().length();
            int snippetStart = offset + skipSpaceAndComments(remaining, 0);
            int line = firstLine + countLines(source, snippetStart);
            // JShell maps stack lines wrongly when a snippet starts with blank lines: drop them first
            int lead = 0;
            while (lead < info.source().length() && Character.isWhitespace(info.source().charAt(lead))) lead++;
            int sourceBaseLine = firstLine + countLines(source, offset + lead);
            switch (info.completeness()) {
                case EMPTY:
                    return shown(value);
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return new CellOutcome(null, new CellError("CompilationException",
                            "incomplete statement: " + firstLineOf(remaining.strip()), line,
                            List.of("cell line " + line + ": incomplete statement (missing ';', ')' or '}'?)")));
                default:
                    break;
            }
            String snippetSource = info.source().substring(lead);
            boolean endsWithSemicolon = source.substring(offset, offset + consumed).strip().endsWith(";");
            remaining = info.remaining();
            offset += consumed;
            SnippetResult r = evalSnippet(snippetSource, sourceBaseLine);
            if (r.error != null) return new CellOutcome(null, r.error);
            // like IPython: the last expression is the cell's result, unless a ';' ends it
            value = r.hasValue && !endsWithSemicolon ? r.value : null;
        }
        return shown(value);
    }

    private record SnippetResult(Value value, boolean hasValue, boolean isStatementOrDeclaration, CellError error) {}

    /** An expression's value, as the snippet left it: the object, JShell's text of it, or what taking that text threw. */
    private record Value(Object raw, String text, Throwable textFailure, Snippet snippet, int line) {}

    /**
     * The cell's outcome with {@code value} as its result. Only the value that is shown is rendered; like
     * IPython when a repr fails, what rendering it threw (a chart that can't be drawn, a {@code toString}
     * that throws) is the cell's error.
     */
    private CellOutcome shown(Value value) {
        if (value == null) return new CellOutcome(null, null);
        if (value.textFailure() != null) return new CellOutcome(null, valueError(value.textFailure(), value.snippet(), value.line()));
        try {
            return new CellOutcome(renderValue(value.raw(), value.text()), null);
        } catch (RuntimeException | Error failure) {
            return new CellOutcome(null, valueError(failure, value.snippet(), value.line()));
        }
    }

    private SnippetResult evalSnippet(String source, int line) {
        folding.beforeSnippet(source);
        control.takeLastValue();
        control.takeValueTextFailure();
        List<SnippetEvent> events = shell.eval(source);
        Object raw = control.takeLastValue();
        Throwable textFailure = control.takeValueTextFailure();
        for (SnippetEvent e : events) if (e.causeSnippet() == null) cellSnippetLines.put(e.snippet().id(), line);
        dropTemporaries(events);
        if (interrupted) return new SnippetResult(null, false, true, interruptedError(control.takeStoppedWith()));
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) noteUpdate(e, line);
        }
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            Snippet snippet = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) {
                return new SnippetResult(null, false, true, compileError(snippet, source, line));
            }
            if (e.exception() != null) {
                return new SnippetResult(null, false, true, runtimeError(e.exception(), snippet, line));
            }
            if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                // said at the end of the cell, if still so: a later line of the cell may declare what it misses
                pendingNotes.add(new PendingNote((jdk.jshell.DeclarationSnippet) snippet, line));
            }
            boolean expression = snippet.kind() == Snippet.Kind.EXPRESSION
                    || (snippet instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
            if (expression && CellExecutionControl.hasValue(raw) && (e.value() != null || textFailure != null)) {
                String typeName = snippet instanceof VarSnippet v ? v.typeName() : "";
                if ("void".equals(typeName)) return new SnippetResult(null, false, true, null);
                return new SnippetResult(new Value(raw, e.value(), textFailure, snippet, line), true, false, null);
            }
            return new SnippetResult(null, false, true, null);
        }
        return new SnippetResult(null, false, true, null);
    }

    /** A declaration that misses something, and the cell line it starts on. */
    private record PendingNote(jdk.jshell.DeclarationSnippet snippet, int line) {}

    /** The running cell's declarations that missed something when they were evaluated. */
    private final List<PendingNote> pendingNotes = new ArrayList<>();

    /** Notes on stderr for the cell's declarations that still miss something now that the whole cell ran. */
    private void sayPendingNotes() {
        for (PendingNote n : pendingNotes) {
            Snippet.Status status = shell.status(n.snippet());
            if (status != Snippet.Status.RECOVERABLE_DEFINED && status != Snippet.Status.RECOVERABLE_NOT_DEFINED) continue;
            String missing = shell.unresolvedDependencies(n.snippet()).collect(Collectors.joining(", "));
            CurrentCell.sink().stderr("note (cell line " + n.line() + "): declared, but it can't be used until "
                    + missing + " is declared\n");
        }
        pendingNotes.clear();
    }

    /**
     * JShell updates what depends on a redefined declaration without a word: a variable whose class was
     * declared again keeps its name but loses its value, and one declared with {@code var} may not compile
     * any more and is gone. The JShell tool says so ("update replaced variable d, reset to null"); a cell
     * says it on stderr, so the next cell's NullPointerException or "cannot find symbol" is no surprise.
     */
    private void noteUpdate(SnippetEvent e, int line) {
        if (!(e.snippet() instanceof jdk.jshell.DeclarationSnippet updated) || !e.previousStatus().isActive()) return;
        if (updated instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) return;
        if (e.status() == Snippet.Status.OVERWRITTEN || e.status() == Snippet.Status.DROPPED) return;
        String cause = describe(e.causeSnippet());
        if (e.status() == Snippet.Status.VALID && updated instanceof VarSnippet v) {
            CurrentCell.sink().stderr("note (cell line " + line + "): " + cause + " was redefined, so variable " + v.name()
                    + " is reset to " + defaultValue(v.typeName()) + "\n");
        } else if (e.status() != Snippet.Status.VALID) {
            String why = shell.diagnostics(updated).filter(Diag::isError).map(d -> diagnosticText(d.getMessage(Locale.ROOT)))
                    .findFirst().orElseGet(() -> "it needs " + shell.unresolvedDependencies(updated).collect(Collectors.joining(", ")));
            CurrentCell.sink().stderr("note (cell line " + line + "): " + cause + " was redefined, so " + describe(updated)
                    + " can no longer be used (" + why + "); declare it again\n");
        }
    }

    private static String describe(Snippet snippet) {
        if (!(snippet instanceof jdk.jshell.DeclarationSnippet d)) return "a declaration";
        return switch (d.kind()) {
            case METHOD -> "method " + d.name() + "(" + ((jdk.jshell.MethodSnippet) d).parameterTypes() + ")";
            case VAR -> "variable " + d.name();
            case TYPE_DECL -> switch (d.subKind()) {
                case RECORD_SUBKIND -> "record ";
                case INTERFACE_SUBKIND -> "interface ";
                case ENUM_SUBKIND -> "enum ";
                case ANNOTATION_TYPE_SUBKIND -> "annotation ";
                default -> "class ";
            } + d.name();
            default -> d.name();
        };
    }

    private static String defaultValue(String type) {
        return switch (type) {
            case "int", "long", "short", "byte" -> "0";
            case "double", "float" -> "0.0";
            case "boolean" -> "false";
            case "char" -> "'\\u0000'";
            default -> "null";
        };
    }

    /**
     * An expression cell leaves a {@code $N} variable behind in JShell. Nobody can see its name here (the
     * value is shown, not {@code $N ==>}), yet every later snippet would be compiled with an import of it:
     * a workshop day of re-run expression cells made each cell slower and the heap bigger. So it goes
     * as soon as its value has been taken. Declarations the user wrote are never dropped.
     */
    private void dropTemporaries(List<SnippetEvent> events) {
        for (SnippetEvent e : events) {
            if (e.causeSnippet() == null && e.snippet() instanceof VarSnippet v
                    && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND && shell.status(v).isActive()) {
                shell.drop(v);
            }
        }
    }

    /** Rich objects render as themselves; plain values show as JShell prints them ("abc" quoted, 42). */
    private static DisplayData renderValue(Object raw, String jshellText) {
        if (raw == null) return DisplayData.text("null");
        DisplayData rich = Renderer.render(raw);
        if (rich.isEmpty()) return null;
        if (rich.data().size() == 1 && rich.has("text/plain")) return DisplayData.text(jshellText);
        return rich;
    }

    private CellError compileError(Snippet snippet, String source, int line) {
        List<Diag> diags = shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
        if (diags.isEmpty()) {
            return new CellError("CompilationException", "could not compile: " + firstLineOf(source), line,
                    List.of("cell line " + line + ": could not compile"));
        }
        List<String> trace = new ArrayList<>();
        int firstErrorLine = 0;
        String firstMessage = null;
        for (Diag d : diags) {
            int pos = (int) Math.max(0, Math.min(d.getStartPosition(), source.length()));
            int errLine = line + countLines(source, pos);
            String msg = diagnosticText(d.getMessage(Locale.ROOT));
            if (firstMessage == null) {
                firstMessage = msg;
                firstErrorLine = errLine;
            }
            int lineStart = source.lastIndexOf('\n', pos - 1) + 1;
            int lineEnd = source.indexOf('\n', pos);
            String text = source.substring(lineStart, lineEnd < 0 ? source.length() : lineEnd);
            trace.add("cell line " + errLine + ": error: " + msg);
            trace.add("    " + text);
            trace.add("    " + " ".repeat(Math.max(0, pos - lineStart)) + "^");
        }
        return new CellError("CompilationException", firstMessage, firstErrorLine, trace);
    }

    /** javac's "location: class" names the wrapper a snippet is compiled in, which JShell blanks: the cell has no such class. */
    private static final Pattern BLANK_LOCATION = Pattern.compile("\\R[ \\t]*location: class[ \\t]*(?=\\R|$)");

    static String diagnosticText(String message) {
        return message == null ? null : withoutWrapperNames(BLANK_LOCATION.matcher(message).replaceAll(""));
    }

    private CellError runtimeError(JShellException ex, Snippet snippet, int line) {
        String name;
        String message;
        if (ex instanceof EvalException ee) {
            name = withoutWrapperNames(ee.getExceptionClassName());
            message = withoutWrapperNames(ee.getMessage());
        } else if (ex instanceof UnresolvedReferenceException ure) {
            name = "UnresolvedReferenceException";
            message = unresolvedMessage(ure.getSnippet(), shell.unresolvedDependencies(ure.getSnippet()).toList());
        } else {
            name = ex.getClass().getName();
            message = ex.getMessage();
        }
        if (ExitGuard.ExitRefused.class.getName().equals(name)) name = "SystemExit";
        CellTraceback.Built trace = CellTraceback.of(ex, name + (message == null ? "" : ": " + message),
                cellSnippetLines, snippet.id(), line);
        return new CellError(name, message, trace.line(), trace.lines());
    }

    /**
     * What a call into a declaration that still misses something says, naming it as the cell wrote it
     * ({@code method total(int) can't be used until variable rate is declared}), not as JShell's
     * snippet prints itself ({@code MethodSnippet:total/(int)int-int total(int n) …}).
     */
    static String unresolvedMessage(jdk.jshell.DeclarationSnippet snippet, List<String> missing) {
        return describe(snippet) + " can't be used until " + (missing.isEmpty() ? "what it uses is" : String.join(", ", missing)
                + (missing.size() == 1 ? " is" : " are")) + " declared";
    }

    /** The value of a snippet could not be shown: its chart failed to draw, or its {@code toString} threw. */
    private CellError valueError(Throwable failure, Snippet snippet, int line) {
        String name = withoutWrapperNames(failure.getClass().getName());
        String message = withoutWrapperNames(failure.getMessage());
        Map<String, Optional<Wrapped>> wrappers = new HashMap<>();
        CellTraceback.Built trace = CellTraceback.ofShowingValue(failure, name + (message == null ? "" : ": " + message),
                cellSnippetLines, snippet.id(), line, el -> snippetFrame(el, wrappers));
        return new CellError(name, message, trace.line(), trace.lines());
    }

    /**
     * A frame in one of JShell's wrapper classes as JShell writes it for an exception it saw: file "#id"
     * of the snippet, line within the snippet. (JShell does this for the cell's own exceptions; one
     * thrown while the engine showed a value never went through JShell.)
     */
    private StackTraceElement snippetFrame(StackTraceElement el, Map<String, Optional<Wrapped>> wrappers) {
        Matcher m = WRAPPER_CLASS.matcher(el.getClassName());
        if (!m.lookingAt() || el.getLineNumber() < 1) return el;
        Optional<Wrapped> found = wrappers.computeIfAbsent(m.group(), name -> shell.snippets()
                .filter(sn -> shell.status(sn) != Snippet.Status.REJECTED)
                .map(sn -> new Wrapped(sn.id(), analysis.wrapper(sn)))
                .filter(w -> name.equals(wrapperClass(w.wrapper())))
                .findFirst());
        if (found.isEmpty()) return el;
        SourceCodeAnalysis.SnippetWrapper w = found.get().wrapper();
        String wrapped = w.wrapped();
        int pos = 0;
        for (int l = 1; l < el.getLineNumber(); l++) {
            pos = wrapped.indexOf('\n', pos) + 1;
            if (pos == 0) return el;
        }
        while (pos < wrapped.length() && (wrapped.charAt(pos) == ' ' || wrapped.charAt(pos) == '\t')) pos++;
        int sourcePos = w.wrappedToSourcePosition(pos);
        if (sourcePos < 0) return el;
        String rest = el.getClassName().substring(m.end());
        String klass = rest.isEmpty() ? "" : rest.startsWith("$$JShell$anonymous$") ? "(anonymous class)" : rest.substring(1);
        return new StackTraceElement(klass, el.getMethodName(), "#" + found.get().id(), countLines(w.source(), sourcePos) + 1);
    }

    private record Wrapped(String id, SourceCodeAnalysis.SnippetWrapper wrapper) {}

    /** The wrapper's class name; null for a snippet JShell never compiled into one. */
    private static String wrapperClass(SourceCodeAnalysis.SnippetWrapper w) {
        try {
            return w.fullClassName();
        } catch (RuntimeException notCompiled) {
            return null;
        }
    }

    /** The class JShell wraps a snippet in; its own classes and anonymous ones are nested in it. */
    private static final Pattern WRAPPER_CLASS = Pattern.compile("REPL\\.\\$JShell\\$\\d+");

    /** A failure of the engine itself (a magic, the housekeeping): its class, message and the frames above {@link #execute}. */
    private static CellError engineError(RuntimeException e) {
        List<String> trace = new ArrayList<>();
        trace.add(e.toString());
        for (StackTraceElement el : e.getStackTrace()) {
            if (el.getClassName().equals(NotebookEngine.class.getName()) && el.getMethodName().equals("execute")) break;
            trace.add("    at " + el);
        }
        int depth = 0;
        for (Throwable cause = e.getCause(); cause != null && cause != e && depth++ < 10; cause = cause.getCause()) {
            trace.add("Caused by: " + cause);
        }
        return new CellError(e.getClass().getName(), e.getMessage(), 0, trace);
    }

    /**
     * Java's helpful NullPointerException names a field with its class: for a notebook variable that is
     * JShell's wrapper ({@code "REPL.$JShell$12.o" is null}) or a fold's holder. The cell knows it as {@code o}.
     * A class the cell declared is nested in its wrapper ({@code REPL.$JShell$12$Point}): the cell knows it
     * as {@code Point}, in an exception's name, a ClassCastException's message or an NPE's method.
     */
    static String withoutWrapperNames(String message) {
        return message == null ? null
                : WRAPPER_PREFIX.matcher(message).replaceAll("");
    }

    private static final Pattern WRAPPER_PREFIX = Pattern.compile(
            "(REPL\\.\\$JShell\\$[0-9A-Za-z_]+|" + VariableFolding.HOLDER_NAME.pattern() + ")[.$]");

    /**
     * An interrupted cell whose code answered the interrupt with an exception of its own says what that
     * exception says (a training run: "training interrupted after step 40; checkpoint saved: …"); a loop
     * stopped the hard way, or a sleep or a read cut short, is just "interrupted".
     */
    private static CellError interruptedError(Throwable thrown) {
        // the JDK's own (InterruptedException, InterruptedIOException, a Scanner's "No line found" after its read was
        // cut) only echo the interrupt; an exception of the cell's or a library's code says something of its own
        String type = thrown == null ? "" : thrown.getClass().getName();
        if (thrown == null || thrown instanceof ThreadDeath || type.startsWith("java.") || type.startsWith("javax.")
                || type.startsWith("jdk.") || type.startsWith("sun.")) {
            return interruptedError();
        }
        String name = withoutWrapperNames(thrown.getClass().getName());
        String message = withoutWrapperNames(thrown.getMessage());
        return new CellError(name, message, 0, List.of(name + (message == null ? "" : ": " + message), "(the cell was interrupted)"));
    }

    private static CellError interruptedError() {
        return new CellError("InterruptedException", "the cell was interrupted", 0, List.of("Interrupted"));
    }

    /** Completion at {@code cursor}: replace [start, cursor) with one of the matches. */
    public record Completion(int start, int end, List<String> matches) {}

    public Completion complete(String code, int cursor) {
        cursor = Math.max(0, Math.min(cursor, code.length()));
        Optional<Completion> magic = Magics.complete(code, cursor);
        if (magic.isPresent()) return magic.get();
        code = Magics.blankMagicLines(code);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> s = analysis.completionSuggestions(code, cursor, anchor);
        List<String> matches = s.stream().map(SourceCodeAnalysis.Suggestion::continuation).distinct()
                .sorted().collect(Collectors.toList());
        return new Completion(anchor[0], cursor, matches);
    }

    /** Signature and javadoc of what is under the cursor, for Shift-Tab in Jupyter. */
    public Optional<String> inspect(String code, int cursor) {
        code = Magics.blankMagicLines(code);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, cursor, true);
        if (docs.isEmpty()) {
            // JShell documents a method once the cursor is past its '(': move there when on its name
            int i = Math.min(cursor, code.length());
            while (i < code.length() && Character.isJavaIdentifierPart(code.charAt(i))) i++;
            if (i < code.length() && code.charAt(i) == '(') docs = analysis.documentation(code, i + 1, true);
            // a bare method name (Math.max, no parenthesis): ask as if the call were being typed
            else if (i > 0 && Character.isJavaIdentifierPart(code.charAt(i - 1))) {
                docs = analysis.documentation(code.substring(0, i) + "(" + code.substring(i), i + 1, true);
            }
        }
        if (docs.isEmpty()) return Optional.empty();
        StringBuilder out = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            out.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) out.append(d.javadoc().strip()).append("\n\n");
        }
        return Optional.of(out.toString().strip());
    }

    /** Jupyter's is_complete: "complete", "incomplete" or "invalid". */
    public String isComplete(String code) {
        if (code.strip().startsWith("%")) return "complete";
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY: return "complete";
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE: return "incomplete";
                case UNKNOWN: return "invalid";
                default: remaining = info.remaining();
            }
        }
        return "complete";
    }

    /** Reads Java source from a file and runs it as a cell would (the %load magic). */
    CellOutcome load(Path file) {
        try {
            return runJava(Files.readString(file, StandardCharsets.UTF_8), 1);
        } catch (IOException e) {
            return new CellOutcome(null, new CellError("IOException", "cannot read " + file + ": " + e.getMessage(), 0,
                    List.of("cannot read " + file)));
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        shell.close();
        folding.close();
    }

    static int skipSpaceAndComments(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("//", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else {
                break;
            }
        }
        return i;
    }

    static int countLines(String s, int upTo) {
        int n = 0;
        for (int i = 0; i < upTo && i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    private static String firstLineOf(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }
}
