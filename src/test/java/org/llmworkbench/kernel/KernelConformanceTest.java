package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel against the Jupyter project's own conformance suite ({@code jupyter_kernel_test}, with
 * our Java samples for every test it offers) and against a real {@code jupyter console} in a
 * terminal. Each run gets its own history file: the user's is never touched.
 */
@Tag(Jupyter.TAG)
class KernelConformanceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every test of jupyter_kernel_test 0.4.5, and ours beside them. */
    static final List<String> SUITE = List.of("test_clear_output", "test_completion", "test_display_data", "test_error",
            "test_execute_result", "test_execute_stderr", "test_execute_stdout", "test_history", "test_inspect",
            "test_is_complete", "test_kernel_info", "test_pager", "test_every_reply_and_broadcast_validates");

    @TempDir
    static Path home;
    static Jupyter jupyter;

    @BeforeAll
    static void install() throws Exception {
        Jupyter.assumeAvailable();
        jupyter = Jupyter.install(home);
    }

    private static Path script(String name) throws IOException {
        Path script = home.resolve(name);
        try (InputStream in = KernelConformanceTest.class.getResourceAsStream("/jupyter/" + name)) {
            Files.copy(in, script);
        }
        return script;
    }

    @Test
    void passesJupyterKernelTestWithJavaSamplesForEveryTestAndEveryReplyValidates() throws Exception {
        assumeTrue(Jupyter.pythonHas("jupyter_kernel_test"), "jupyter_kernel_test is not installed (CI installs python3-jupyter-kernel-test)");
        Path history = home.resolve("suite").resolve("history.json");

        Jupyter.Outcome r = jupyter.run(List.of(Jupyter.PYTHON.toString(), script("kernel_conformance.py").toString(), KernelSpec.DEFAULT_NAME),
                home, 300, Map.of(KernelHistory.ENV, history.toString()));

        assertThat(r.exitCode()).as(r.output()).isZero();
        for (String test : SUITE) assertThat(r.output()).as(r.output()).containsPattern("(?m)^" + test + " \\(.*\\) \\.\\.\\. ok$");
        assertThat(r.output()).contains("Ran " + SUITE.size() + " tests").containsPattern("(?m)^OK$").doesNotContain("skipped")
                .contains("shutdown_reply validated");
        // the suite's cells went to the history file it was given
        List<String> inputs = new ArrayList<>();
        JSON.readTree(history.toFile()).path("entries").forEach(e -> inputs.add(e.path("input").asText()));
        assertThat(inputs).contains("6 * 7", "Math.max?", "System.out.println(\"hello, world\");");
    }

    @Test
    void jupyterConsoleIndentsBlocksAndUpArrowRecallsAnEarlierSession() throws Exception {
        assumeTrue(Jupyter.pythonHas("jupyter_console", "pexpect"), "jupyter-console is not installed (CI installs it from Debian packages)");
        Path history = home.resolve("console").resolve("history.json");

        Jupyter.Outcome r = jupyter.run(List.of(Jupyter.PYTHON.toString(), script("console_check.py").toString(), KernelSpec.DEFAULT_NAME),
                home, 300, Map.of(KernelHistory.ENV, history.toString()));

        String resultLine = r.output().lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
        assertThat(resultLine).as("console_check.py printed no RESULT; exit %d, output:%n%s", r.exitCode(), r.output()).isNotNull();
        JsonNode seen = JSON.readTree(resultLine.substring("RESULT ".length()));
        assertThat(seen.has("failure")).as("%s", seen).isFalse();
        // what the console drew after each Enter: in, in, stay, and out again after the inner block's '}'
        assertThat(seen.path("indents").toString()).isEqualTo("[4,8,8,4]");
        assertThat(seen.path("block_ran").asBoolean()).isTrue();
        assertThat(seen.path("recalled_value").asText()).as("the earlier session's definition, recalled and run").isEqualTo("420");

        JsonNode stored = JSON.readTree(history.toFile());
        assertThat(stored.path("last_session").asInt()).isEqualTo(2);
        assertThat(stored.path("entries").get(0).path("input").asText())
                .isEqualTo("for (int i = 0; i < 2; i++) {\n    if (i == 1) {\n        System.out.println(\"inner \" + i);\n        }\n    }");
        assertThat(stored.path("entries").get(2).path("session").asInt()).isEqualTo(2);
        assertThat(stored.path("entries").get(2).path("input").asText()).isEqualTo("int answer = 6 * 7;");
    }
}
