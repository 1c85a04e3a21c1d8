package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.cli.WorkbenchCli;

/** The kernel in its own JVM, started as {@code workbench kernel run CONNECTION_FILE}, over the wire protocol (no Jupyter needed). */
class KernelProcessTest {
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void workbenchKernelRunServesCellsOverTheWireAndExitsOnShutdown() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        KernelSpec plain = KernelSpec.forWorkbench(KernelSpec.Options.defaults().withThreads(1).withClasspath(cp));
        List<String> argv = new ArrayList<>(plain.argv());
        int main = argv.indexOf(WorkbenchKernel.class.getName());
        argv.set(main, WorkbenchCli.class.getName());
        argv.addAll(main + 1, List.of("kernel", "run"));
        KernelSpec viaCli = new KernelSpec("via-cli", "via cli", argv, plain.env());

        try (KernelProcess kernel = KernelProcess.start(viaCli, List.of())) {
            KernelClient client = kernel.client();
            String id = client.execute("System.out.println(\"streamed\");\n20 + 22");
            KernelClient.Received stream = kernel.require(client.iopub(id, "stream", TIMEOUT), "stream");
            assertThat(stream.content().get("text").getAsString()).isEqualTo("streamed\n");
            KernelClient.Received result = kernel.require(client.iopub(id, "execute_result", TIMEOUT), "execute_result");
            assertThat(result.content().getAsJsonObject("data").get("text/plain").getAsString()).isEqualTo("42");
            assertThat(result.content().get("execution_count").getAsInt()).isEqualTo(1);
            KernelClient.Received reply = kernel.require(client.shellReply(id, TIMEOUT), "execute_reply");
            assertThat(reply.content().get("status").getAsString()).isEqualTo("ok");
            assertThat(reply.metadata().get("workbench_cell_ms").getAsDouble()).isPositive();
            kernel.require(kernel.awaitIdle(id, TIMEOUT), "idle");

            // output is published while the cell runs: the cell waits for a file we only create once "first" arrived
            Path flag = Files.createTempDirectory("kernel-flag").resolve("go");
            String waiting = client.execute("System.out.println(\"first\");\n"
                    + "while (!java.nio.file.Files.exists(java.nio.file.Path.of(\"" + flag.toString().replace("\\", "\\\\") + "\"))) Thread.sleep(10);\n"
                    + "System.out.println(\"second\");");
            KernelClient.Received early = kernel.require(client.iopub(waiting, "stream", Duration.ofSeconds(30)), "stream while the cell runs");
            assertThat(early.content().get("text").getAsString()).isEqualTo("first\n");
            Files.createFile(flag);
            KernelClient.Received late = kernel.require(client.iopub(waiting, "stream", TIMEOUT), "second stream");
            assertThat(late.content().get("text").getAsString()).isEqualTo("second\n");
            assertThat(kernel.require(client.shellReply(waiting, TIMEOUT), "reply").content().get("status").getAsString()).isEqualTo("ok");
            kernel.require(kernel.awaitIdle(waiting, TIMEOUT), "idle");
            Files.delete(flag);
            Files.delete(flag.getParent());

            assertThatThrownBy(() -> kernel.run("int[] a = new int[2];\na[5] = 1;", TIMEOUT))
                    .hasMessageContaining("ArrayIndexOutOfBoundsException").hasMessageContaining("cell line 2");
            assertThat(kernel.shutdown(TIMEOUT)).isZero();
        }
    }

    @Test
    void aRequestItsHandlerCannotServeGetsAnErrorReplyNotSilence() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        KernelSpec spec = KernelSpec.forWorkbench(KernelSpec.Options.defaults().withThreads(1).withClasspath(cp));
        try (KernelProcess kernel = KernelProcess.start(spec, List.of())) {
            KernelClient client = kernel.client();
            // an is_complete_request without "code"
            String id = client.send(new org.dflib.jjava.jupyter.messages.request.IsCompleteRequest(null));
            KernelClient.Received reply = kernel.require(client.shellReply(id, TIMEOUT), "is_complete_reply");
            assertThat(reply.type()).isEqualTo("is_complete_reply");
            assertThat(reply.content().get("status").getAsString()).isEqualTo("error");
            assertThat(reply.content().get("ename").getAsString()).isEqualTo("NullPointerException");
            kernel.require(kernel.awaitIdle(id, TIMEOUT), "idle");
            assertThat(kernel.run("1 + 1", TIMEOUT).content().get("status").getAsString()).isEqualTo("ok");
            assertThat(kernel.shutdown(TIMEOUT)).isZero();
        }
    }

    @Test
    void classDataArchivesNeedAClassPathOfJars(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("a.jar"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(ClassDataArchive.supports(jar.toString())).isTrue();
        assertThat(ClassDataArchive.supports(jar + File.pathSeparator + classes)).isFalse();
        assertThat(ClassDataArchive.supports(dir.resolve("missing.jar").toString())).isFalse();
        assertThat(ClassDataArchive.jvmOptions(dir.resolve("x.jsa"))).contains("-XX:SharedArchiveFile=" + dir.resolve("x.jsa"));
        KernelSpec spec = KernelSpec.forWorkbench(KernelSpec.Options.defaults().withClasspath(jar.toString()))
                .withJvmOptions(List.of("-Xshare:auto"));
        assertThat(spec.argv().get(1)).isEqualTo("-Xshare:auto");
    }
}
