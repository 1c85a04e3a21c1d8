package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.cli.WorkbenchCli;

/** What a long day of cells must not do to the engine: pile up snippets, die on System.exit, drown an error in frames. */
class CellEnduranceTest {
    static NotebookEngine engine;

    @BeforeAll
    static void start() {
        engine = new NotebookEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static CellResult run(String code) {
        return engine.execute(code, new RecordingSink());
    }

    @Test
    void rerunExpressionCellsLeaveNoSnippetsBehindAndEarlyDefinitionsKeepWorking() {
        assertThat(run("int base = 7;\nint twice(int x) { return 2 * x; }\nrecord Pair(int a, int b) {}").isOk()).isTrue();
        long before = engine.activeSnippets();
        int wrappers = 0;
        int classFiles = 0;
        for (int i = 0; i < 60; i++) {
            String v = "v" + (i % 20);
            assertThat(run("int " + v + " = " + i + ";\n" + v + " * 2").value().plainText()).isEqualTo(String.valueOf(2 * i));
            if (i == 19) assertThat(engine.activeSnippets() - before).as("20 variables; the temporaries ($N) are gone").isEqualTo(20);
            if (i == 39) {
                wrappers = engine.keptWrappers();
                classFiles = engine.keptClassFiles();
            }
        }
        // re-running them changes neither what JShell compiles against nor how much wrapper source it keeps
        assertThat(engine.activeSnippets() - before).isEqualTo(20);
        assertThat(wrappers).isPositive();
        assertThat(engine.keptWrappers()).isEqualTo(wrappers);
        // nor how many class files javac lists in every compilation (JShell alone keeps all of them: +40 here)
        assertThat(classFiles).isPositive();
        assertThat(engine.keptClassFiles()).isEqualTo(classFiles);
        assertThat(run("twice(base) + new Pair(v3, 1).a()").value().plainText()).isEqualTo(String.valueOf(14 + 43));
    }

    @Test
    void aRedefinedClassWithNestedClassesAndLambdasStillWorksAfterItsOldClassFilesGo() {
        assertThat(run("class Box { int v = 1; Runnable r = () -> {}; class Inner { int w = 3; } }\nBox box = new Box();").isOk()).isTrue();
        assertThat(run("int peek(Box b) { return b.v + b.new Inner().w; }\npeek(box)").value().plainText()).isEqualTo("4");
        int before = engine.keptClassFiles();
        assertThat(run("class Box { int v = 10; Runnable r = () -> {}; class Inner { int w = 30; } }").isOk()).isTrue();
        // the method and the variable are recompiled against the new Box; the old Box's classes are gone
        assertThat(run("peek(new Box())").value().plainText()).isEqualTo("40");
        assertThat(run("box = new Box();\nbox.r.run();\npeek(box)").value().plainText()).isEqualTo("40");
        assertThat(engine.keptClassFiles()).isLessThanOrEqualTo(before);
    }

    @Test
    void systemExitAndRuntimeHaltFailTheCellAndTheEngineKeepsRunning() {
        RecordingSink sink = new RecordingSink();
        CellResult exit = engine.execute("System.out.println(\"before\");\nSystem.exit(3);\nSystem.out.println(\"after\");", sink);
        assertThat(exit.isOk()).isFalse();
        assertThat(exit.error().name()).isEqualTo("SystemExit");
        assertThat(exit.error().message()).startsWith("System.exit(3) is not available in a notebook cell").contains("Kernel → Restart");
        assertThat(exit.error().line()).isEqualTo(2);
        assertThat(sink.out.toString()).isEqualTo("before\n");

        CellResult halt = run("try {\n  Runtime.getRuntime().halt(1);\n} catch (Exception e) {\n  System.out.println(\"swallowed\");\n}");
        assertThat(halt.error().name()).isEqualTo("SystemExit");
        assertThat(halt.error().message()).startsWith("Runtime.halt(1) is not available");
        assertThat(halt.error().line()).isEqualTo(2);

        // inside a class the cell declares, after switches (the rewrite walks their padded tables), and through a method reference
        assertThat(run("class Quitter {\n  void quit(int k) {\n    switch (k) { case 1: case 2: case 3: return; default: break; }\n"
                + "    switch (k) { case 10: return; case 1000: return; default: Runtime.getRuntime().exit(k); }\n  }\n}\n"
                + "new Quitter().quit(4)").error().message()).startsWith("Runtime.exit(4) is not available");
        assertThat(run("java.util.function.IntConsumer bye = System::exit;\nbye.accept(5)").error().message())
                .startsWith("System.exit(5) is not available");
        assertThat(run("1 + 1").value().plainText()).isEqualTo("2");
    }

    @Test
    void workbenchRunReportsSystemExitAsTheCellsErrorAndGoesOn(@TempDir Path dir) throws Exception {
        Path quits = NotebookRunnerTest.notebook(dir.resolve("quits.ipynb"), Map.of(),
                new String[] {"params", "int n = 1;"},
                new String[] {"code", "System.out.println(\"first\");"},
                new String[] {"code", "int status = 2;\nSystem.exit(status);"},
                new String[] {"code", "System.out.println(\"never\");"});
        Path next = NotebookRunnerTest.notebook(dir.resolve("next.ipynb"), Map.of(), new String[] {"params", "int n = 1;"},
                new String[] {"code", "n + 1"});
        StringWriter out = new StringWriter();
        var cli = WorkbenchCli.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("run", quits.toString(), next.toString(), "--out", dir.resolve("out").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("quits.ipynb, cell 3: SystemExit: System.exit(2) is not available in a notebook cell",
                "(cell line 2)");
        assertThat(NotebookFile.read(dir.resolve("out/quits.ipynb")).at("/cells/2/outputs/0/ename").asText()).isEqualTo("SystemExit");
        assertThat(NotebookFile.read(dir.resolve("out/next.ipynb")).at("/cells/1/outputs/0/data/text~1plain/0").asText()).isEqualTo("2");
    }

    @Test
    void deepRecursionShowsItsFrameOnceWithACountAndKeepsTheCellLine() {
        CellResult r = run("int down(int n) { return down(n + 1) + 1; }\n\ndown(0)");
        assertThat(r.error().name()).isEqualTo("java.lang.StackOverflowError");
        assertThat(r.error().line()).isEqualTo(3);
        assertThat(r.error().traceback()).hasSizeLessThan(8);
        assertThat(r.error().traceback().get(1)).isEqualTo("    at cell line 1 (in down)");
        assertThat(r.error().traceback().get(2)).matches("    … [0-9,]+ more identical frames");
        assertThat(String.join("\n", r.error().traceback())).contains("the call came from cell line 3");

        CellResult mutual = run("int ping(int n) { return pong(n) + 1; }\nint pong(int n) { return ping(n + 1); }\nping(0)");
        assertThat(mutual.error().traceback()).hasSizeLessThan(8);
        assertThat(String.join("\n", mutual.error().traceback())).containsPattern("the 2 frames above repeat [0-9,]+ more times");

        CellResult shallow = run("int three(int n) { if (n == 3) throw new IllegalStateException(\"n=\" + n); return three(n + 1); }\nthree(0)");
        assertThat(shallow.error().traceback()).containsExactly("java.lang.IllegalStateException: n=3",
                "    at cell line 1 (in three)", "    … 3 more identical frames", "    at cell line 2");
        assertThat(shallow.error().line()).isEqualTo(2);
    }

    @Test
    void anOutOfMemoryErrorFailsOnlyItsCell() {
        CellResult oom = run("long[] huge = new long[(int) Math.min(Integer.MAX_VALUE - 16, Runtime.getRuntime().maxMemory() / 4)];");
        assertThat(oom.error().name()).isEqualTo("java.lang.OutOfMemoryError");
        assertThat(oom.error().line()).isEqualTo(1);
        assertThat(run("String after = \"fine\";\nafter + \"!\"").value().plainText()).isEqualTo("\"fine!\"");
    }

    @Test
    void classFilesTheGuardCannotReadAreLoadedAsTheyAre() {
        byte[] notAClass = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        assertThat(ExitGuard.rewrite(notAClass)).isSameAs(notAClass);
    }

    @Test
    void foldFindsRepeatingUnits() {
        assertThat(CellTraceback.fold(java.util.List.of("a", "b", "b", "b", "b", "c")))
                .containsExactly("a", "b", "    … 3 more identical frames", "c");
        assertThat(CellTraceback.fold(java.util.List.of("x", "y", "x", "y", "x", "y", "z")))
                .containsExactly("x", "y", "    … the 2 frames above repeat 2 more times (4 frames)", "z");
        assertThat(CellTraceback.fold(java.util.List.of("a", "a", "b"))).containsExactly("a", "a", "b");
    }
}
