package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Folding many variables into one holder class ({@link VariableFolding}) must not change what any cell
 * sees: values, assignments, methods that use them, names declared again, static imports, completion.
 */
class VariableFoldingTest {
    private NotebookEngine engine;

    @BeforeEach
    void start() {
        engine = new NotebookEngine();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private String value(String code) {
        CellResult r = engine.execute(code, new RecordingSink());
        assertThat(r.isOk()).as("%s: %s", code, r.error() == null ? "" : r.error().summary()).isTrue();
        return r.value() == null ? null : r.value().plainText();
    }

    /** One cell declaring {@code count} ints a0 = 0, a1 = 1, ... */
    private void declareInts(String prefix, int count) {
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < count; i++) cell.append("int ").append(prefix).append(i).append(" = ").append(i).append(";\n");
        value(cell.toString());
    }

    @Test
    void foldedVariablesKeepTheirValuesAndTypesAndCanBeAssigned() {
        value("""
                String greeting = "hello";
                List<String> names = new ArrayList<>(List.of("ada"));
                var counts = new HashMap<String, List<Integer>>();
                double[] weights = {0.5, 1.5};
                Map.Entry<String, Integer> entry = Map.entry("k", 7);
                long big = 1L << 40;
                char letter = 'q';
                String workbench = "a name that hides a package of that name";
                """);
        declareInts("a", 100);
        assertThat(engine.foldedVariables()).isEqualTo(108);
        assertThat(engine.isNotebookVariable("a5")).as("a5 now lives in a holder class").isFalse();

        assertThat(value("a5 + a99")).isEqualTo("104");
        assertThat(value("greeting.toUpperCase() + names + weights[1] + entry.getValue() + big + letter"))
                .isEqualTo("\"HELLO[ada]1.57" + (1L << 40) + "q\"");
        assertThat(value("names.add(\"bob\"); names")).isEqualTo("[ada, bob]");
        assertThat(value("counts.computeIfAbsent(\"x\", k -> new ArrayList<>()).add(3); counts")).isEqualTo("{x=[3]}");
        assertThat(value("a5 = 50; a5 += 1; a5")).isEqualTo("51");
        assertThat(value("greeting = null; greeting == null")).isEqualTo("true");
        assertThat(value("workbench.length()")).isEqualTo("40");
        // Java's message names the variable as the cell does, not the holder's field
        CellResult npe = engine.execute("greeting.length()", new RecordingSink());
        assertThat(npe.error().summary()).contains("because \"greeting\" is null").doesNotContain("Vars");
        // the same type as before: an int stays an int (a long would not fit back)
        CellResult wrongType = engine.execute("a7 = 3L;", new RecordingSink());
        assertThat(wrongType.isOk()).isFalse();
        assertThat(wrongType.error().summary()).contains("lossy conversion from long to int");
    }

    @Test
    void methodsSeeAssignmentsAndANameDeclaredAgainReplacesTheFoldedOneEverywhere() {
        declareInts("b", 100);
        assertThat(engine.foldedVariables()).isEqualTo(100);
        value("int twice() { return b4 * 2; }");
        assertThat(value("twice()")).isEqualTo("8");
        value("b4 = 10;");
        assertThat(value("twice()")).isEqualTo("20");
        // declared again: a notebook variable once more, and the method that used the folded one follows it
        value("int b4 = 21;");
        assertThat(engine.isNotebookVariable("b4")).isTrue();
        assertThat(value("twice()")).isEqualTo("42");
        assertThat(value("String b5 = \"five\"; b5.length()")).isEqualTo("4");
        // a name declared again is never folded again (two holders with one name would be ambiguous)
        declareInts("c", 100);
        assertThat(engine.foldedVariables()).isEqualTo(200);
        assertThat(engine.isNotebookVariable("b4")).isTrue();
        assertThat(value("b4 + b5.length() + c99")).isEqualTo("124");
    }

    @Test
    void variablesSomethingUsesOrOfANotebookClassStayNotebookVariables() {
        value("""
                class Point { int x = 3; }
                Point p = new Point();
                List<Point> points = new ArrayList<>();
                var anonymous = new Object() { int hidden = 9; };
                int used = 5;
                int useIt() { return used + 1; }
                var mixed = List.of(1, "a");
                """);
        declareInts("d", 100);
        assertThat(engine.foldedVariables()).isEqualTo(100);
        for (String name : Set.of("p", "points", "anonymous", "used", "mixed")) {
            assertThat(engine.isNotebookVariable(name)).as(name).isTrue();
        }
        assertThat(value("p.x + anonymous.hidden + useIt() + d50")).isEqualTo(String.valueOf(3 + 9 + 6 + 50));
        // replacing the notebook's class works as in plain JShell: p keeps its object
        value("class Point { int x = 4; int y = 1; }");
        assertThat(value("new Point().y + d1")).isEqualTo("2");
    }

    @Test
    void variablesThatLambdasOrClassBodiesReadStayWhereThatCodeReadsThem() {
        value("""
                int k = 3;
                List<Supplier<Integer>> callbacks = new ArrayList<>();
                int seen = 0;
                Runnable bump = () -> seen++;
                String label = "x";
                """);
        value("callbacks.add(() -> k);"); // a statement leaves a lambda behind that reads k's field
        value("Object watcher = new Object() { public String toString() { return label; } };");
        declareInts("h", 100);
        assertThat(engine.foldedVariables()).isEqualTo(100);
        for (String name : Set.of("k", "callbacks", "seen", "bump", "label", "watcher")) {
            assertThat(engine.isNotebookVariable(name)).as(name).isTrue();
        }
        assertThat(value("k = 10; callbacks.get(0).get()")).isEqualTo("10");
        assertThat(value("bump.run(); bump.run(); seen")).isEqualTo("2");
        assertThat(value("label = \"y\"; watcher.toString()")).isEqualTo("\"y\"");
        assertThat(VariableFolding.mayOutlive("x -> x + k")).isTrue();
        assertThat(VariableFolding.mayOutlive("list.forEach(System.out::println)")).isTrue();
        assertThat(VariableFolding.mayOutlive("new Thread() { public void run() {} }")).isTrue();
        assertThat(VariableFolding.mayOutlive("for (int i = 0; i < n; i++) { total += i; }")).isFalse();
        assertThat(VariableFolding.mayOutlive("d5 * 2")).isFalse();
    }

    @Test
    void variablesJShellRecompilesAfterAFoldKeepTheirValues() {
        // a new on-demand import makes JShell recompile every declaration; a variable whose class comes out
        // the same keeps its value, and the fold's imports must not change the lines of those classes
        value("String kept = \"still here\";\nint keptLength() { return kept.length(); }");
        declareInts("k", 100);
        assertThat(engine.foldedVariables()).isEqualTo(100);
        assertThat(engine.isNotebookVariable("kept")).isTrue();
        value("import java.util.concurrent.*;\nimport java.time.*;");
        assertThat(value("kept + \" \" + keptLength() + \" \" + k7")).isEqualTo("\"still here 10 7\"");
    }

    @Test
    void aStaticImportMeetsTheFoldedVariableAsItWouldMeetAVariable() {
        value("double E = 1.0; int max = 4;");
        declareInts("e", 100);
        assertThat(engine.foldedVariables()).isEqualTo(102);
        // JShell's own variables shadow what a static on-demand import brings in: E stays 1.0
        value("import static java.lang.Math.*;");
        assertThat(engine.isNotebookVariable("E")).as("E turned back into a notebook variable").isTrue();
        assertThat(value("E + \" \" + PI")).isEqualTo("\"1.0 " + Math.PI + "\"");
        assertThat(value("max(max, 9)")).isEqualTo("9");
        assertThat(value("e3 + e4")).isEqualTo("7");
    }

    @Test
    void completionAndInspectionKnowFoldedVariables() {
        value("String folded_text = \"abc\";");
        declareInts("f", 100);
        assertThat(engine.isNotebookVariable("folded_text")).isFalse();
        assertThat(engine.complete("folded_t", 8).matches()).contains("folded_text");
        assertThat(engine.complete("folded_text.toUpperC", 20).matches()).contains("toUpperCase(");
        assertThat(value("f42")).isEqualTo("42");
    }

    @Test
    void fewerThanABatchOfVariablesIsLeftAsJShellKeepsIt() {
        declareInts("g", VariableFolding.BATCH - 1);
        assertThat(engine.foldedVariables()).isZero();
        assertThat(engine.isNotebookVariable("g0")).isTrue();
    }

    @Test
    void onlyNamesJavaCanWriteAreFoldable() {
        Set<String> cells = Set.of("Point");
        assertThat(VariableFolding.nameable("List<String>", cells)).isTrue();
        assertThat(VariableFolding.nameable("Map<String,List<? extends Number>>", cells)).isTrue();
        assertThat(VariableFolding.nameable("List<Point>", cells)).isFalse();
        assertThat(VariableFolding.nameable("Point[]", cells)).isFalse();
        assertThat(VariableFolding.nameable("List<Serializable&Comparable<?>>", cells)).isFalse();
        assertThat(VariableFolding.nameable("<anonymous class extending Object>", cells)).isFalse();
    }
}
