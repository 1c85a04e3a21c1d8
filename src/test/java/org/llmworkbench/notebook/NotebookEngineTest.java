package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotebookEngineTest {
    static NotebookEngine engine;

    @BeforeAll
    static void start() {
        engine = new NotebookEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static CellResult run(String code, RecordingSink sink) {
        return engine.execute(code, sink);
    }

    @Test
    void keepsStateAcrossCellsAndShowsTheLastExpression() {
        RecordingSink s = new RecordingSink();
        assertThat(run("int a = 20;\nint b = 22;", s).result()).isEmpty();
        CellResult r = run("a + b", s);
        assertThat(r.isOk()).isTrue();
        assertThat(r.value().plainText()).isEqualTo("42");
        assertThat(run("String greeting = \"hi\";\ngreeting + \"!\"", s).value().plainText()).isEqualTo("\"hi!\"");
        assertThat(run("a + b;", s).result()).as("a trailing ';' hides the result").isEmpty();
    }

    @Test
    void capturesStdoutAndStderrPerCell() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("System.out.println(\"hello\");\nSystem.err.print(\"warn\");\nSystem.out.print(\"héllo ✓\");", s);
        assertThat(r.isOk()).isTrue();
        assertThat(s.out.toString()).isEqualTo("hello\nhéllo ✓");
        assertThat(s.err.toString()).isEqualTo("warn");
    }

    @Test
    void defaultImportsAndLibraryAreAvailable() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("List<Integer> xs = new ArrayList<>(List.of(3, 1, 2));\nCollections.sort(xs);\nxs", s);
        assertThat(r.value().plainText()).isEqualTo("[1, 2, 3]");
        assertThat(run("Workbench.javaVersion()", s).value().plainText()).contains("17");
    }

    @Test
    void rendersChartsImagesAndTablesAsRichOutput() {
        RecordingSink s = new RecordingSink();
        CellResult chart = run("import org.knowm.xchart.*;\n"
                + "var c = new XYChartBuilder().width(300).height(200).title(\"loss\").build();\n"
                + "c.addSeries(\"train\", new double[]{1,2,3}, new double[]{3,2,1});\n"
                + "c", s);
        assertThat(chart.isOk()).as(String.valueOf(chart.error())).isTrue();
        byte[] png = Base64.getDecoder().decode(chart.value().data().get("image/png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(chart.value().plainText()).contains("300x200");

        CellResult image = run("new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB)", s);
        assertThat(image.value().has("image/png")).isTrue();

        CellResult table = run("tech.tablesaw.api.Table.create(\"t\", tech.tablesaw.api.IntColumn.create(\"id\", 7, 8),"
                + " tech.tablesaw.api.StringColumn.create(\"tok\", \"a<b\", \"c\"))", s);
        assertThat(table.value().data().get("text/html")).contains("<th>id</th>", "<td>7</td>", "a&lt;b");
        assertThat(table.value().plainText()).contains("tok");
    }

    @Test
    void displayHelpersAndUpdatableDisplays() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("markdown(\"# Title\");\nvar h = display(\"first\", \"live\");\nh.update(\"second\");\nh", s);
        assertThat(r.isOk()).isTrue();
        assertThat(r.result()).as("a handle shows nothing").isEmpty();
        assertThat(s.displays).hasSize(2);
        assertThat(s.displays.get(0).data().get("text/markdown")).isEqualTo("# Title");
        assertThat(s.displayIds.get(1)).isEqualTo("live");
        assertThat(s.updates).extracting(DisplayData::plainText).containsExactly("second");
    }

    @Test
    void markdownAndHtmlOfNullShowEmptyLikeIPython() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("markdown(null);\nhtml(null);\ndisplay(null);", s);
        assertThat(r.isOk()).as(String.valueOf(r.error())).isTrue();
        assertThat(s.displays).hasSize(3);
        assertThat(s.displays.get(0).data()).isEqualTo(java.util.Map.of("text/markdown", "", "text/plain", ""));
        assertThat(s.displays.get(1).data()).isEqualTo(java.util.Map.of("text/html", "", "text/plain", ""));
        assertThat(s.displays.get(2).plainText()).isEqualTo("null");
        assertThat(new Markdown(null).text()).isEmpty();
        assertThat(new Html(null).html()).isEmpty();
    }

    @Test
    void compileErrorsNameTheCellLine() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("int ok = 1;\n\nString s = 42;", s);
        assertThat(r.isOk()).isFalse();
        assertThat(r.error().name()).isEqualTo("CompilationException");
        assertThat(r.error().line()).isEqualTo(3);
        assertThat(r.error().message()).contains("incompatible types");
        assertThat(String.join("\n", r.error().traceback())).contains("cell line 3", "String s = 42;");
    }

    @Test
    void exceptionsNameTheCellLineAndStopTheCell() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("int before = 1;\nSystem.out.println(\"ran\");\nif (before == 1) throw new IllegalStateException(\"boom\");\nSystem.out.println(\"not reached\");", s);
        assertThat(r.isOk()).isFalse();
        assertThat(r.error().name()).isEqualTo("java.lang.IllegalStateException");
        assertThat(r.error().message()).isEqualTo("boom");
        assertThat(r.error().line()).isEqualTo(3);
        assertThat(s.out.toString()).isEqualTo("ran\n");
    }

    @Test
    void classesTheCellDeclaredKeepTheirOwnNamesInErrors() {
        RecordingSink s = new RecordingSink();
        CellResult own = run("class BadInput extends RuntimeException { BadInput(String m) { super(m); } }\n"
                + "throw new BadInput(\"no tokens\");", s);
        assertThat(own.error().name()).isEqualTo("BadInput");
        assertThat(own.error().traceback().get(0)).isEqualTo("BadInput: no tokens");

        CellResult cast = run("class Apple {}\nclass Pear {}\nObject fruit = new Apple();\nPear p = (Pear) fruit;", s);
        assertThat(cast.error().message()).startsWith("class Apple cannot be cast to class Pear (Apple and Pear are")
                .doesNotContain("JShell");

        CellResult npe = run("class Counter { int get() { return 1; } }\nCounter none = null;\nnone.get()", s);
        assertThat(npe.error().message()).isEqualTo("Cannot invoke \"Counter.get()\" because \"none\" is null");

        CellResult caused = run("throw new IllegalStateException(\"outer\", new BadInput(\"inner\"));", s);
        assertThat(caused.error().traceback()).contains("Caused by: BadInput: inner");
    }

    @Test
    void framesOfLambdasAndAnonymousClassesSayWhatTheyAre() {
        RecordingSink s = new RecordingSink();
        CellResult lambda = run("Runnable fail = () -> { throw new IllegalStateException(\"in lambda\"); };\nfail.run();", s);
        assertThat(lambda.error().traceback()).containsExactly("java.lang.IllegalStateException: in lambda",
                "    at cell line 1 (in a lambda)", "    at cell line 2");
        CellResult anonymous = run("new Object() { void g() { throw new IllegalStateException(\"anon\"); } }.g();", s);
        assertThat(anonymous.error().traceback()).contains("    at cell line 1 (in (anonymous class).g)");
        assertThat(CellTraceback.frameLabel("Tok", "lambda$encode$2")).isEqualTo("a lambda in Tok.encode");
        assertThat(CellTraceback.frameLabel("", "lambda$do_it$$0")).isEqualTo("a lambda");
        assertThat(CellTraceback.frameLabel("Outer$1", "run")).isEqualTo("Outer.(anonymous class).run");
        assertThat(CellTraceback.frameLabel("Outer$In", "f")).isEqualTo("Outer$In.f");
    }

    @Test
    void compileErrorsDoNotNameJShellsBlankWrapperClass() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("int total = undefinedCount + 1;", s);
        assertThat(r.error().message()).isEqualTo("cannot find symbol\n  symbol:   variable undefinedCount");
        assertThat(String.join("\n", r.error().traceback())).doesNotContain("location");
    }

    @Test
    void callingADeclarationThatStillMissesSomethingNamesItAsWritten() {
        RecordingSink s = new RecordingSink();
        assertThat(run("int withRate(int n) { return n * pendingRate; }", s).isOk()).isTrue();
        CellResult r = run("withRate(2)", s);
        assertThat(r.error().name()).isEqualTo("UnresolvedReferenceException");
        assertThat(r.error().message()).isEqualTo("method withRate(int) can't be used until variable pendingRate is declared");
        assertThat(run("int pendingRate = 3;\nwithRate(2)", s).value().plainText()).isEqualTo("6");
    }

    @Test
    void redefiningAClassSaysWhichVariablesItResetOrBroke() {
        RecordingSink s = new RecordingSink();
        run("class Vocab { int size() { return 1; } }", s);
        run("Vocab typed = new Vocab();\nvar inferred = new Vocab();\nint unrelated = 7;", s);
        RecordingSink again = new RecordingSink();
        assertThat(run("int pad = 0;\nclass Vocab { int size() { return 2; } }", again).isOk()).isTrue();
        assertThat(again.err.toString()).isEqualTo(
                "note (cell line 2): class Vocab was redefined, so variable typed is reset to null\n"
                + "note (cell line 2): class Vocab was redefined, so variable inferred can no longer be used"
                + " (incompatible types: Vocab cannot be converted to Vocab); declare it again\n");
        assertThat(run("unrelated", s).value().plainText()).isEqualTo("7");
    }

    @Test
    void aForwardReferenceTheSameCellResolvesGetsNoNote() {
        RecordingSink s = new RecordingSink();
        assertThat(run("sealed interface Shape permits Square {}\nfinal class Square implements Shape {}", s).isOk()).isTrue();
        assertThat(s.err.toString()).isEmpty();
        RecordingSink still = new RecordingSink();
        assertThat(run("double area() { return side * side; }\nint other = 1;", still).isOk()).isTrue();
        assertThat(still.err.toString()).isEqualTo("note (cell line 1): declared, but it can't be used until variable side is declared\n");
    }

    @Test
    void exceptionInsideAMultiLineMethodPointsAtItsLine() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("int x = 0;\nfor (int i = 0; i < 3; i++) {\n  x += i;\n  if (i == 2) {\n    throw new RuntimeException(\"at i=\" + i);\n  }\n}", s);
        assertThat(r.error().message()).isEqualTo("at i=2");
        assertThat(r.error().line()).isEqualTo(5);
    }

    @Test
    void aValueThatFailsToDrawShowsItsErrorLikeAnyCellError() {
        RecordingSink s = new RecordingSink();
        // a chart with an empty category axis: XChart throws while drawing it, after the cell's code ran
        CellResult r = run("import org.knowm.xchart.*;\n"
                + "var empty = new CategoryChartBuilder().width(300).height(200).title(\"empty\").build();\n"
                + "empty", s);
        assertThat(r.isOk()).isFalse();
        assertThat(r.error().name()).isEqualTo("java.util.NoSuchElementException");
        assertThat(r.error().line()).isEqualTo(3);
        assertThat(r.error().summary()).isEqualTo("java.util.NoSuchElementException (cell line 3)");
        assertThat(r.error().traceback().get(0)).isEqualTo("java.util.NoSuchElementException");
        assertThat(r.error().traceback()).anyMatch(l -> l.startsWith("    at org.knowm.xchart.CategoryChart.paint("));
        assertThat(r.error().traceback()).last().isEqualTo("    at cell line 3 (showing its value)");
        assertThat(r.error().traceback()).as("the engine's own frames are left out")
                .noneMatch(l -> l.contains("NotebookEngine") || l.contains("jdk.jshell"));
    }

    @Test
    void aFailedValueStillGetsTheEndOfCellHousekeeping() {
        try (NotebookEngine fresh = new NotebookEngine()) {
            StringBuilder cell = new StringBuilder();
            for (int i = 0; i < VariableFolding.BATCH; i++) cell.append("int v").append(i).append(" = ").append(i).append(";\n");
            cell.append("new org.knowm.xchart.CategoryChartBuilder().build()");
            CellResult r = fresh.execute(cell.toString(), new RecordingSink());
            assertThat(r.isOk()).isFalse();
            assertThat(fresh.foldedVariables()).as("folding ran after the failed cell").isEqualTo(VariableFolding.BATCH);
            assertThat(r.error().line()).isEqualTo(VariableFolding.BATCH + 1);
            assertThat(fresh.execute("v7 + v99", new RecordingSink()).value().plainText()).isEqualTo("106");
        }
    }

    @Test
    void aValueWhoseToStringThrowsShowsTheException() {
        RecordingSink s = new RecordingSink();
        CellResult r = run("int unused = 1;\nnew Object() {\n    public String toString() {\n"
                + "        throw new IllegalStateException(\"boom in toString\");\n    }\n}", s);
        assertThat(r.isOk()).isFalse();
        assertThat(r.error().name()).isEqualTo("java.lang.IllegalStateException");
        assertThat(r.error().message()).isEqualTo("boom in toString");
        assertThat(r.error().line()).as("the line that threw").isEqualTo(4);
        assertThat(r.error().traceback()).containsExactly(
                "java.lang.IllegalStateException: boom in toString",
                "    at cell line 4 (in (anonymous class).toString)",
                "    at cell line 2 (showing its value)");

        assertThat(run("class Grumpy { public String toString() { throw new UnsupportedOperationException(\"no text\"); } }\n"
                + "var g = new Grumpy();", s).error()).as("a declaration shows no value, so its text is not needed").isNull();
        CellResult later = run("g", s);
        assertThat(later.error().summary()).isEqualTo("java.lang.UnsupportedOperationException: no text (cell line 1)");
        assertThat(later.error().traceback()).containsExactly(
                "java.lang.UnsupportedOperationException: no text",
                "    at an earlier cell (in Grumpy.toString)",
                "    at cell line 1 (showing its value)");
        assertThat(run("g;", s).isOk()).as("a ';' hides the value: nothing to show, nothing fails").isTrue();
    }

    /** A sink that tells when the cell has printed {@code marker}: the cell is running, not compiling. */
    private static final class MarkerSink extends RecordingSink {
        final java.util.concurrent.CountDownLatch printed = new java.util.concurrent.CountDownLatch(1);
        private final String marker;

        MarkerSink(String marker) {
            this.marker = marker;
        }

        @Override
        public synchronized void stdout(String text) {
            super.stdout(text);
            if (text.contains(marker)) printed.countDown();
        }
    }

    /** Interrupts the running cell, from another thread as the kernel's interrupt does, once it has printed its marker. */
    private static Thread interruptWhenPrinted(MarkerSink sink) {
        Thread stopper = new Thread(() -> {
            try {
                sink.printed.await();
            } catch (InterruptedException ignored) {
            }
            engine.interrupt();
        });
        stopper.start();
        return stopper;
    }

    @Test
    void aRunningCellCanBeInterrupted() throws Exception {
        MarkerSink s = new MarkerSink("looping");
        Thread stopper = interruptWhenPrinted(s);
        long t0 = System.nanoTime();
        CellResult r = run("System.out.println(\"looping\");\nlong n = 0;\nwhile (true) { n++; }", s);
        stopper.join();
        assertThat(r.isOk()).isFalse();
        assertThat(r.error().name()).isEqualTo("InterruptedException");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
        assertThat(run("1 + 1", s).value().plainText()).as("engine still usable").isEqualTo("2");
    }

    @Test
    @org.junit.jupiter.api.Timeout(300)
    void theStopButtonEndsALiveTrainingRunAtTheNextStepWithACheckpoint() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.llmworkbench.datasets.Datasets.dataDir() != null, "needs the datasets");
        MarkerSink s = new MarkerSink("step 3 of");
        Thread stopper = interruptWhenPrinted(s);
        long t0 = System.nanoTime();
        CellResult r = run("""
                var run = org.llmworkbench.train.Pretraining.prepare("verdict-workshop");
                var model = run.newModel();
                var dir = java.nio.file.Files.createTempDirectory("stop-test");
                org.llmworkbench.train.TrainingListener printer = new org.llmworkbench.train.TrainingListener() {
                    public void onStep(org.llmworkbench.train.TrainingListener.Step st) { System.out.println("step " + st.step() + " of " + st.totalSteps()); }
                };
                run.trainer(model, dir, null, org.llmworkbench.notebook.LiveTraining.show(), printer).run();
                """, s);
        stopper.join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.isOk()).isFalse();
        assertThat(r.error().message()).as(r.error().toString()).contains("interrupted after step").contains("checkpoint");
        assertThat(s.out.toString()).doesNotContain("step 12 of");
        assertThat(seconds).isLessThan(120);
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void anInterruptBetweenTwoSnippetsStopsTheRestOfTheCell() throws Exception {
        // The kernel's case: the client sees the first snippet's output and interrupts while the next
        // snippet (an endless loop) is still being compiled. The stop must hold for the whole cell.
        for (int delayMs : new int[] {0, 5, 15, 30}) {
            java.util.concurrent.CountDownLatch printed = new java.util.concurrent.CountDownLatch(1);
            RecordingSink s = new RecordingSink() {
                @Override
                public synchronized void stdout(String text) {
                    super.stdout(text);
                    if (text.contains("looping")) printed.countDown();
                }
            };
            Thread stopper = new Thread(() -> {
                try {
                    printed.await();
                    Thread.sleep(delayMs);
                } catch (InterruptedException ignored) {
                }
                engine.interrupt();
            });
            stopper.start();
            long t0 = System.nanoTime();
            CellResult r = run("System.out.println(\"looping\");\nlong spins = 0;\nwhile (true) { spins++; }", s);
            stopper.join();
            assertThat(r.isOk()).as("interrupt %d ms after the output", delayMs).isFalse();
            assertThat(r.error().name()).isEqualTo("InterruptedException");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
        }
        assertThat(run("2 + 2", new RecordingSink()).value().plainText()).as("the next cell runs").isEqualTo("4");
    }

    @Test
    void cellsShareOneThreadSoThreadLocalStateCarriesOver() {
        RecordingSink s = new RecordingSink();
        run("ThreadLocal<String> mine = new ThreadLocal<>();\nmine.set(\"set in cell 1\");\nThread first = Thread.currentThread();", s);
        assertThat(run("mine.get()", s).value().plainText()).isEqualTo("\"set in cell 1\"");
        assertThat(run("Thread.currentThread() == first", s).value().plainText()).isEqualTo("true");
    }

    @Test
    void aCellInterruptedInSleepLeavesNoInterruptForTheNextCell() throws Exception {
        MarkerSink s = new MarkerSink("sleeping");
        Thread stopper = interruptWhenPrinted(s);
        CellResult r = run("System.out.println(\"sleeping\");\nThread.sleep(60_000);", s);
        stopper.join();
        assertThat(r.error().name()).isEqualTo("InterruptedException");
        CellResult next = run("Thread.sleep(10);\nThread.currentThread().isInterrupted()", s);
        assertThat(next.isOk()).as("next cell: %s", next.error()).isTrue();
        assertThat(next.value().plainText()).isEqualTo("false");
    }

    @Test
    void anInterruptedCellShowsWhatItsCodeSaidWhenItStopped() throws Exception {
        MarkerSink s = new MarkerSink("waiting");
        Thread stopper = interruptWhenPrinted(s);
        // one snippet, so the interrupt lands in the sleep, not between two snippets
        run("class StoppedEarly extends RuntimeException { StoppedEarly(String m) { super(m); } }", s);
        CellResult r = run("try {\n  System.out.println(\"waiting\");\n  Thread.sleep(60_000);\n} catch (InterruptedException e) {\n"
                + "  throw new StoppedEarly(\"stopped after step 3; checkpoint saved: run/step-3.json\");\n}", s);
        stopper.join();
        assertThat(r.error().name()).isEqualTo("StoppedEarly");
        assertThat(r.error().message()).isEqualTo("stopped after step 3; checkpoint saved: run/step-3.json");
        assertThat(r.error().traceback()).containsExactly(
                "StoppedEarly: stopped after step 3; checkpoint saved: run/step-3.json", "(the cell was interrupted)");
        assertThat(run("1 + 1", s).value().plainText()).isEqualTo("2");
    }

    @Test
    void djlCellsDoNotRecordGradientsUnlessACollectorIsOpen() {
        RecordingSink s = new RecordingSink();
        assertThat(run("1", s).isOk()).isTrue(); // the cell thread exists before the engine loads
        // the engine loaded on another thread (the runner's run card does that): PyTorch starts every
        // other thread, the cell thread included, with gradient recording on
        Thread loader = new Thread(() -> ai.djl.engine.Engine.getEngine("PyTorch"));
        loader.start();
        try {
            loader.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(CellThreadState.pytorchEngineLoaded()).isTrue();
        assertThat(run("ai.djl.pytorch.jni.JniUtils.isGradMode()", s).value().plainText()).isEqualTo("false");
        // a collector opened in one cell is still recording in the next, then closes
        run("var collector = ai.djl.engine.Engine.getInstance().newGradientCollector();", s);
        assertThat(run("ai.djl.pytorch.jni.JniUtils.isGradMode()", s).value().plainText()).isEqualTo("true");
        run("collector.close();", s);
        assertThat(run("ai.djl.pytorch.jni.JniUtils.isGradMode()", s).value().plainText()).isEqualTo("false");
    }

    @Test
    void magics(@TempDir Path dir) throws Exception {
        RecordingSink s = new RecordingSink();
        CellResult timed = run("%%time\nint slept = 3;\nslept * 2", s);
        assertThat(timed.value().plainText()).isEqualTo("6");
        assertThat(s.out.toString()).containsPattern("Wall time: \\d+\\.\\d ms");

        Path script = dir.resolve("helpers.jsh");
        Files.writeString(script, "int triple(int v) { return 3 * v; }\n");
        CellResult loaded = run("%load " + script + "\ntriple(5)", s);
        assertThat(loaded.value().plainText()).isEqualTo("15");

        CellResult missing = run("%jars " + dir.resolve("nope.jar"), s);
        assertThat(missing.error().message()).contains("no such file", "nope.jar");

        CellResult unknown = run("%nosuchmagic", s);
        assertThat(unknown.error().name()).isEqualTo("UndefinedMagicException");

        CellResult html = run("%%html\n<b>bold</b>", s);
        assertThat(html.value().data().get("text/html")).isEqualTo("<b>bold</b>");
    }

    @Test
    void magicLinesKeepJavaLineNumbers(@TempDir Path dir) throws Exception {
        RecordingSink s = new RecordingSink();
        Path script = dir.resolve("empty.jsh");
        Files.writeString(script, "int loadedValue = 1;\n");
        CellResult r = run("%load " + script + "\nint y = 1;\nString bad = y;", s);
        assertThat(r.error().line()).isEqualTo(3);
    }

    @Test
    void completionInspectionAndCompleteness() {
        RecordingSink s = new RecordingSink();
        run("String completeMe = \"x\";", s);
        NotebookEngine.Completion c = engine.complete("completeMe.toUpp", 16);
        assertThat(c.start()).isEqualTo(11);
        assertThat(c.matches()).anyMatch(m -> m.startsWith("toUpperCase("));
        assertThat(engine.inspect("Math.max(1, 2)", 7)).get().asString().contains("max(");
        assertThat(engine.isComplete("int z = 1;")).isEqualTo("complete");
        assertThat(engine.isComplete("for (int i = 0; i < 3; i++) {")).isEqualTo("incomplete");
    }

    @Test
    void completionKnowsMagicsAndTheirFiles(@TempDir Path dir) throws Exception {
        NotebookEngine.Completion name = engine.complete("%ma", 3);
        assertThat(name.matches()).containsExactly("%maven");
        assertThat(name.start()).isZero();
        assertThat(engine.complete("%%t", 3).matches()).containsExactly("%%time");
        assertThat(engine.complete("int a = 1;\n%%t", 15).matches()).as("a cell magic only heads a cell").isEmpty();
        assertThat(engine.complete("%", 1).matches()).as("magics, not every Java type").containsExactly(
                "%%time", "%%html", "%%markdown", "%classpath", "%jars", "%maven", "%load", "%time", "%lsmagic");

        Files.writeString(dir.resolve("helpers.jsh"), "int one() { return 1; }");
        Files.createDirectories(dir.resolve("lib"));
        String typed = "%load " + dir + "/h";
        NotebookEngine.Completion file = engine.complete(typed, typed.length());
        assertThat(file.matches()).containsExactly(dir + "/helpers.jsh");
        assertThat(file.start()).isEqualTo(6);
        String folder = "%jars " + dir + "/l";
        assertThat(engine.complete(folder, folder.length()).matches()).containsExactly(dir + "/lib/");

        // the Java below a magic line still completes, and %time's argument is Java
        RecordingSink s = new RecordingSink();
        run("String afterMagic = \"x\";", s);
        String cell = "%%time\nafterMagic.toUpp";
        assertThat(engine.complete(cell, cell.length()).matches()).contains("toUpperCase(");
        assertThat(engine.complete("%time afterMagic.toLow", 22).matches()).contains("toLowerCase(");
        assertThat(engine.inspect("%%time\nMath.max", 15)).get().asString().contains("Math.max(int a, int b)");
    }

    @Test
    void mavenMagicResolvesAnArtifactWithMaven() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PATH").contains("/usr/bin")
                && java.nio.file.Files.isExecutable(Path.of("/usr/bin/mvn")), "mvn on the PATH");
        RecordingSink s = new RecordingSink();
        CellResult before = run("org.apache.commons.cli.Options.class.getName()", s);
        assertThat(before.isOk()).as("not on the class path yet").isFalse();
        CellResult r = run("%maven commons-cli:commons-cli:1.9.0\nnew org.apache.commons.cli.Options().addOption(\"v\", \"verbose\").getOptions().size()", s);
        assertThat(r.isOk()).as(String.valueOf(r.error())).isTrue();
        assertThat(r.value().plainText()).isEqualTo("1");
        assertThat(s.out.toString()).contains("added 1 jar(s)");
        assertThat(engine.classpath()).anyMatch(e -> e.endsWith("commons-cli-1.9.0.jar"));
        CellResult bad = run("%maven not-a-coordinate", s);
        assertThat(bad.error().message()).contains("is not group:artifact:version");
    }
}
