package org.llmworkbench.cli;

import org.llmworkbench.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.llmworkbench.kernel.ClassDataArchive;
import org.llmworkbench.kernel.KernelSpec;
import org.llmworkbench.kernel.KernelsDir;
import org.llmworkbench.kernel.WorkbenchKernel;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code workbench kernel install|run}: the Jupyter kernel. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Install or run the Jupyter kernel (Java (llm-workbench)).",
        subcommands = {KernelCommand.Install.class, KernelCommand.Run.class})
public final class KernelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Write the kernelspec (kernel.json) so Jupyter lists 'Java (llm-workbench)'.")
    static final class Install implements Callable<Integer> {
        static final class Where {
            @Option(names = "--user", description = "Into the user's Jupyter data dir (default).")
            boolean user;
            @Option(names = "--sys-prefix", description = "Into sys.prefix of the Python that runs jupyter (or $CONDA_PREFIX).")
            boolean sysPrefix;
            @Option(names = "--prefix", paramLabel = "DIR", description = "Into DIR/share/jupyter/kernels.")
            Path prefix;
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Where where = new Where();

        @Option(names = "--name", paramLabel = "NAME", description = "Kernel name (default: ${DEFAULT-VALUE}).")
        String name = KernelSpec.DEFAULT_NAME;

        @Mixin
        KernelJvmOptions jvm;

        @Mixin
        DataDirOption dataDir;

        @Option(names = "--no-cds", description = "Don't record a class-data archive (it makes the kernel start faster).")
        boolean noCds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() throws Exception {
            if (dataDir.dataDir != null && !java.nio.file.Files.isDirectory(dataDir.dataDir)) {
                command.commandLine().getErr().println("note: --data-dir " + dataDir.dataDir
                        + " is not a folder (yet); the kernel will look for datasets there first, then in the cache");
            }
            KernelSpec.Options o = jvm.applyTo(KernelSpec.Options.defaults().withName(name).withDataDir(dataDir.dataDir));
            KernelSpec spec = KernelSpec.forWorkbench(o);
            Path kernels = where.prefix != null ? KernelsDir.prefix(where.prefix)
                    : where.sysPrefix ? KernelsDir.sysPrefix(System.getenv())
                    : KernelsDir.user(System.getenv());
            Path archive = null;
            if (!noCds && ClassDataArchive.supports(o.classpath())) {
                Path dir = Files.createDirectories(kernels.resolve(spec.name()));
                System.out.println("Recording a class-data archive for faster kernel starts (a few seconds, once)...");
                long t0 = System.nanoTime();
                archive = ClassDataArchive.record(spec, dir.resolve(ClassDataArchive.FILE_NAME));
                System.out.printf("  %s (%.1f MB, %.1f s)%n", archive, Files.size(archive) / 1e6, (System.nanoTime() - t0) / 1e9);
                spec = spec.withJvmOptions(ClassDataArchive.jvmOptions(archive));
            } else {
                if (!noCds) System.out.println("No class-data archive: the class path is not all jars (run from the built jar for faster starts).");
                Files.deleteIfExists(kernels.resolve(spec.name()).resolve(ClassDataArchive.FILE_NAME)); // one from an earlier install
            }
            Path file = spec.install(kernels);
            System.out.println("Installed kernelspec '" + spec.name() + "' (" + spec.displayName() + ") in " + file.getParent());
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("command", "kernel install");
            json.put("name", spec.name());
            json.put("kernel_json", file.toString());
            json.put("threads", o.threads());
            json.put("class_data_archive", archive == null ? null : archive.toString());
            System.out.println(json);
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the kernel on a Jupyter connection file (what Jupyter does via kernel.json).")
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "CONNECTION_FILE", description = "The connection file Jupyter writes.")
        Path connectionFile;

        @Override
        public Integer call() throws Exception {
            WorkbenchKernel.run(connectionFile);
            return 0;
        }
    }
}
