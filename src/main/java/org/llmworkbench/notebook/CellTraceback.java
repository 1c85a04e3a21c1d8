package org.llmworkbench.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import jdk.jshell.EvalException;

/**
 * The lines shown under a cell's runtime error, written for the person who wrote the cell: frames
 * of this cell's snippets become cell lines, frames of earlier cells say so, the engine's own frames
 * below the cell are left out, and a recursion that went a thousand frames deep shows its repeating
 * frames once with a count instead of a thousand times.
 */
final class CellTraceback {
    /** Longest run of frames recognized as one repeating unit (mutual recursion of up to this many methods). */
    private static final int MAX_PERIOD = 8;
    /** A unit seen at least this many times in a row is folded. */
    private static final int MIN_REPEATS = 3;
    /** Where JShell runs a snippet's own statements (as opposed to a method the cell declared); JShell shows the first as "". */
    private static final java.util.Set<String> SNIPPET_METHODS = java.util.Set.of("", "do_it$", "do_it$Aux");

    private final Map<String, Integer> cellLines;
    private final String failingFile;
    private final int failingLine;
    private final List<String> lines = new ArrayList<>();
    private int errorLine;
    /** Frames end at the engine's, not at the outermost cell frame ({@link #ofShowingValue}). */
    private boolean showingValue;
    private UnaryOperator<StackTraceElement> cellFrames;

    /**
     * @param cellLines   snippet id to the cell line its source starts on, for the running cell's snippets
     * @param failingId   the snippet whose run threw
     * @param failingLine the cell line that snippet starts on
     */
    private CellTraceback(Map<String, Integer> cellLines, String failingId, int failingLine) {
        this.cellLines = cellLines;
        this.failingFile = "#" + failingId;
        this.failingLine = failingLine;
    }

    /** The traceback, headed by {@code header}, and the cell line to report. */
    record Built(List<String> lines, int line) {}

    static Built of(Throwable ex, String header, Map<String, Integer> cellLines, String failingId, int failingLine) {
        return build(ex, header, cellLines, failingId, failingLine, null);
    }

    /**
     * For a failure while the engine showed a snippet's value (drew its chart, took its {@code toString}):
     * that runs below the cell, in the engine, so the frames stop where the engine took the value over,
     * and a last line names the cell line whose value it was. JShell did not see this exception, so its
     * frames still name JShell's wrapper classes: {@code cellFrames} turns those into "#id" frames.
     */
    static Built ofShowingValue(Throwable ex, String header, Map<String, Integer> cellLines, String failingId, int failingLine,
                                UnaryOperator<StackTraceElement> cellFrames) {
        return build(ex, header, cellLines, failingId, failingLine, cellFrames);
    }

    private static Built build(Throwable ex, String header, Map<String, Integer> cellLines, String failingId,
                               int failingLine, UnaryOperator<StackTraceElement> cellFrames) {
        CellTraceback t = new CellTraceback(cellLines, failingId, failingLine);
        t.showingValue = cellFrames != null;
        t.cellFrames = cellFrames;
        t.lines.add(header);
        t.addFrames(ex, true);
        if (t.showingValue) t.lines.add("    at cell line " + failingLine + " (showing its value)");
        for (Throwable cause = ex.getCause(); cause != null && cause != ex; cause = cause.getCause()) {
            t.lines.add("Caused by: " + NotebookEngine.withoutWrapperNames(
                    cause instanceof EvalException ee ? ee.getExceptionClassName() + ": " + ee.getMessage() : cause.toString()));
            t.addFrames(cause, false);
        }
        return new Built(t.lines, t.errorLine > 0 ? t.errorLine : failingLine);
    }

    private void addFrames(Throwable t, boolean top) {
        StackTraceElement[] frames = t.getStackTrace();
        if (cellFrames != null) {
            frames = frames.clone();
            for (int i = 0; i < frames.length; i++) frames[i] = cellFrames.apply(frames[i]);
        }
        int end = frames.length;
        // below the outermost cell frame there is only the engine (reflection, JShell, the cell thread)
        for (int i = frames.length - 1; i >= 0; i--) {
            if (isCellFrame(frames[i])) {
                end = i + 1;
                break;
            }
        }
        if (showingValue) {
            // a chart drawn or a toString taken by the engine: what called it is the engine, not the cell
            for (int i = 0; i < frames.length; i++) {
                if (isEngineFrame(frames[i])) {
                    end = i;
                    break;
                }
            }
        }
        List<String> out = new ArrayList<>();
        boolean reachedFailingSnippet = false;
        for (int i = 0; i < end; i++) {
            StackTraceElement el = frames[i];
            if (el.getClassName().equals(ExitGuard.class.getName())) continue; // the guard is not the user's code
            if (!isCellFrame(el)) {
                out.add("    at " + el);
                continue;
            }
            String method = frameLabel(el.getClassName(), el.getMethodName());
            Integer base = cellLines.get(el.getFileName().substring(1));
            if (base == null) {
                out.add("    at an earlier cell" + (method.isEmpty() ? "" : " (in " + method + ")"));
                continue;
            }
            int line = base + Math.max(0, el.getLineNumber() - 1);
            String text = "    at cell line " + line + (method.isEmpty() ? "" : " (in " + method + ")");
            // a variable's initializer runs in a method of its own: one line of the cell, said once
            if (!(method.isEmpty() && !out.isEmpty() && out.get(out.size() - 1).equals(text))) out.add(text);
            if (el.getFileName().equals(failingFile)) {
                if (top && !reachedFailingSnippet) errorLine = line;
                reachedFailingSnippet = true;
            }
        }
        lines.addAll(fold(out));
        if (top && !reachedFailingSnippet && end == frames.length && end > 0 && isCellFrame(frames[end - 1])) {
            // a very deep stack: the JVM kept only its innermost frames, and the cell's own call is not among them
            lines.add(String.format(Locale.ROOT, "    … the JVM kept only the innermost %,d frames; the call came from cell line %d",
                    frames.length, failingLine));
        }
    }

    private static final java.util.regex.Pattern LAMBDA = java.util.regex.Pattern.compile("lambda\\$(.*?)\\$\\d+");
    private static final java.util.regex.Pattern ANONYMOUS = java.util.regex.Pattern.compile("(^|\\$)\\d+(?=\\$|$)");

    /**
     * What a frame of the cell's code ran in, as the cell wrote it: "" for the snippet's own statements,
     * {@code Point.norm} for a method, "a lambda" (or "a lambda in norm") for the synthetic
     * {@code lambda$do_it$$0} javac makes of one, "an anonymous class" for javac's {@code 1}.
     */
    static String frameLabel(String className, String methodName) {
        String klass = ANONYMOUS.matcher(className).replaceAll("$1(anonymous class)").replace("$(anonymous", ".(anonymous");
        java.util.regex.Matcher lambda = LAMBDA.matcher(methodName);
        if (lambda.matches()) {
            String in = lambda.group(1);
            String where = SNIPPET_METHODS.contains(in) || in.equals("static") ? ""
                    : in.equals("new") ? (klass.isEmpty() ? "" : klass + " constructor") : (klass.isEmpty() ? "" : klass + ".") + in;
            return where.isEmpty() ? "a lambda" : "a lambda in " + where;
        }
        if (SNIPPET_METHODS.contains(methodName)) return "";
        return (klass.isEmpty() ? "" : klass + ".") + methodName;
    }

    /** Where the engine takes a snippet's value: JShell (its text) or the engine (its rendering). */
    private static boolean isEngineFrame(StackTraceElement el) {
        return el.getClassName().startsWith("jdk.jshell.")
                || el.getClassName().equals(CellExecutionControl.class.getName())
                || el.getClassName().equals(NotebookEngine.class.getName());
    }

    /** JShell names a snippet's source "#id" in the frames of its classes. */
    private static boolean isCellFrame(StackTraceElement el) {
        return el.getFileName() != null && el.getFileName().startsWith("#");
    }

    /** Runs of a repeating unit of 1 to {@link #MAX_PERIOD} lines become the unit once and a count. */
    static List<String> fold(List<String> frames) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < frames.size()) {
            int bestPeriod = 0;
            int bestRepeats = 0;
            for (int period = 1; period <= MAX_PERIOD && i + period * MIN_REPEATS <= frames.size(); period++) {
                int repeats = repeats(frames, i, period);
                if (repeats >= MIN_REPEATS && repeats * period > bestRepeats * bestPeriod) {
                    bestPeriod = period;
                    bestRepeats = repeats;
                }
            }
            if (bestPeriod == 0) {
                out.add(frames.get(i++));
                continue;
            }
            out.addAll(frames.subList(i, i + bestPeriod));
            int more = (bestRepeats - 1) * bestPeriod;
            out.add(bestPeriod == 1
                    ? String.format(Locale.ROOT, "    … %,d more identical frames", more)
                    : String.format(Locale.ROOT, "    … the %d frames above repeat %,d more times (%,d frames)",
                            bestPeriod, bestRepeats - 1, more));
            i += bestRepeats * bestPeriod;
        }
        return out;
    }

    /** How many times frames[from, from + period) occurs back to back from {@code from}. */
    private static int repeats(List<String> frames, int from, int period) {
        int n = 1;
        while (from + (n + 1) * period <= frames.size()) {
            for (int k = 0; k < period; k++) {
                if (!frames.get(from + n * period + k).equals(frames.get(from + k))) return n;
            }
            n++;
        }
        return n;
    }
}
