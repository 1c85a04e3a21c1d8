package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.cli.WorkbenchCli;
import org.llmworkbench.notebook.CellError;

class KernelSpecTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void installWritesKernelJsonUnderThePrefixWithEverythingTheKernelJvmNeeds(@TempDir Path prefix) throws Exception {
        Path data = prefix.resolve("datasets");
        java.io.StringWriter err = new java.io.StringWriter();
        var cli = WorkbenchCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute("kernel", "install", "--prefix", prefix.toString(), "--threads", "3",
                "--data-dir", data.toString(), "--classpath", "target/classes" + File.pathSeparator + "lib/x.jar");
        assertThat(code).isZero();
        assertThat(err.toString()).as("a data folder that does not exist yet is allowed, and said")
                .contains("note: --data-dir " + data + " is not a folder (yet)");

        Path dir = prefix.resolve("share/jupyter/kernels/llm-workbench");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left behind").containsExactly("kernel.json");
        }
        JsonNode spec = JSON.readTree(dir.resolve("kernel.json").toFile());
        assertThat(spec.path("display_name").asText()).isEqualTo("Java (llm-workbench)");
        assertThat(spec.path("language").asText()).isEqualTo("java");
        assertThat(spec.path("interrupt_mode").asText()).isEqualTo("message");
        assertThat(spec.path("env").path("DJL_OFFLINE").asText()).isEqualTo("true");
        assertThat(spec.path("env").path("OMP_WAIT_POLICY").asText()).isEqualTo("PASSIVE");
        List<String> argv = new ArrayList<>();
        spec.path("argv").forEach(a -> argv.add(a.asText()));
        assertThat(argv.get(0)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(argv).containsSubsequence("--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED");
        assertThat(argv).contains("-Djava.awt.headless=true", "-Dai.djl.offline=true", "-XX:G1PeriodicGCInterval=15000", "-Dai.djl.pytorch.num_threads=3",
                "-Dai.djl.pytorch.num_interop_threads=1", "-Dworkbench.data.dir=" + data.toAbsolutePath());
        String cp = argv.get(argv.indexOf("-cp") + 1);
        assertThat(cp.split(File.pathSeparator)).containsExactly(
                Path.of("target/classes").toAbsolutePath().toString(), Path.of("lib/x.jar").toAbsolutePath().toString());
        assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly(WorkbenchKernel.class.getName(), "{connection_file}");
    }

    @Test
    void reinstallingReplacesTheSpecAndNamesAreChecked(@TempDir Path prefix) throws Exception {
        KernelSpec.Options o = KernelSpec.Options.defaults().withClasspath("a.jar");
        Path kernels = KernelsDir.prefix(prefix);
        KernelSpec.forWorkbench(o.withThreads(1)).install(kernels);
        Path file = KernelSpec.forWorkbench(o.withThreads(5)).install(kernels);
        assertThat(Files.readString(file)).contains("num_threads=5").doesNotContain("num_threads=1\"");

        assertThatThrownBy(() -> KernelSpec.forWorkbench(o.withName("bad name/..")))
                .hasMessageContaining("name must be letters, digits");
        assertThatThrownBy(() -> o.withThreads(0)).hasMessageContaining("threads must be in 1..1024, got 0");
        assertThat(WorkbenchCli.commandLine().execute("kernel", "install", "--prefix", prefix.toString(), "--threads", "0"))
                .isNotZero();
    }

    @Test
    void kernelDirectoriesFollowJupytersRules(@TempDir Path tmp) throws Exception {
        assertThat(KernelsDir.user(Map.of("JUPYTER_DATA_DIR", tmp.toString()))).isEqualTo(tmp.resolve("kernels"));
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertThat(KernelsDir.user(Map.of("XDG_DATA_HOME", tmp.toString()))).isEqualTo(tmp.resolve("jupyter/kernels"));
            assertThat(KernelsDir.user(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".local/share/jupyter/kernels"));
        }
        assertThat(KernelsDir.prefix(tmp)).isEqualTo(tmp.resolve("share/jupyter/kernels"));

        Path script = tmp.resolve("jupyter");
        Files.writeString(script, "#!/usr/bin/env python3\nimport sys\n");
        assertThat(KernelsDir.interpreterOf(script)).isEqualTo("python3");
        Files.writeString(script, "#!/opt/conda/bin/python3.11 -s\n");
        assertThat(KernelsDir.interpreterOf(script)).isEqualTo("/opt/conda/bin/python3.11");
        // no jupyter on PATH and no conda: a message that says what to do
        if (!Files.isExecutable(Path.of("/usr/bin/jupyter"))) {
            assertThatThrownBy(() -> KernelsDir.sysPrefix(Map.of("PATH", tmp.resolve("empty").toString())))
                    .hasMessageContaining("use --user or --prefix DIR");
        }
        assertThat(KernelsDir.sysPrefix(Map.of("PATH", "", "CONDA_PREFIX", tmp.toString())).toString())
                .endsWith("share" + File.separator + "jupyter" + File.separator + "kernels");
    }

    @Test
    void connectionFilesAreCheckedAndPositionsConvertBetweenCodePointsAndChars(@TempDir Path tmp) throws Exception {
        Path conn = tmp.resolve("c.json");
        var props = ConnectionFile.create(conn);
        var read = WorkbenchKernel.readConnectionFile(conn);
        assertThat(read.getShellPort()).isEqualTo(props.getShellPort());
        assertThat(read.getKey()).hasSize(64).isEqualTo(props.getKey());
        assertThat(List.of(read.getShellPort(), read.getIopubPort(), read.getStdinPort(), read.getControlPort(), read.getHbPort()))
                .doesNotHaveDuplicates();

        Files.writeString(conn, "{\"ip\":\"127.0.0.1\",\"transport\":\"tcp\",\"shell_port\":0}");
        assertThatThrownBy(() -> WorkbenchKernel.readConnectionFile(conn)).hasMessageContaining("shell_port is 0, expected 1..65535");
        assertThatThrownBy(() -> WorkbenchKernel.readConnectionFile(tmp.resolve("missing.json"))).hasMessageContaining("does not exist");

        String code = "String s = \"😀\"; s.len";   // the emoji is one code point, two chars
        assertThat(code.length()).isEqualTo(22);
        assertThat(WorkbenchKernel.charIndex(code, 13)).as("just after the emoji").isEqualTo(14);
        assertThat(WorkbenchKernel.charIndex(code, 21)).isEqualTo(22);
        assertThat(WorkbenchKernel.codePointIndex(code, 22)).isEqualTo(21);
        assertThat(WorkbenchKernel.charIndex(code, 999)).isEqualTo(code.length());
    }

    @Test
    void ipythonsHelpSyntaxNamesWhatToPage() {
        assertThat(WorkbenchKernel.helpTarget("Math.max?")).hasValue("Math.max");
        assertThat(WorkbenchKernel.helpTarget("  ?String \n")).hasValue("String");
        assertThat(WorkbenchKernel.helpTarget("List??")).hasValue("List");
        assertThat(WorkbenchKernel.helpTarget("x ? a : b")).as("Java's conditional operator").isEmpty();
        assertThat(WorkbenchKernel.helpTarget("Math.max(1, 2)")).isEmpty();
    }

    @Test
    void tracebacksNameTheCellLine() {
        CellError runtime = new CellError("java.lang.IllegalStateException", "boom", 3,
                List.of("java.lang.IllegalStateException: boom", "    at cell line 3"));
        assertThat(WorkbenchKernel.traceback(runtime)).containsExactly("java.lang.IllegalStateException: boom", "    at cell line 3");
        CellError bare = new CellError("InterruptedException", "the cell was interrupted", 0, List.of("Interrupted"));
        assertThat(WorkbenchKernel.traceback(bare)).containsExactly("InterruptedException: the cell was interrupted", "Interrupted");
    }
}
