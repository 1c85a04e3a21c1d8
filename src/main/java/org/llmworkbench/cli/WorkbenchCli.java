package org.llmworkbench.cli;

import org.llmworkbench.Workbench;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code workbench} command line: one subcommand per stage of the pipeline. */
@Command(name = "workbench",
        mixinStandardHelpOptions = true,
        versionProvider = WorkbenchCli.Version.class,
        description = "llm-workbench: build a GPT from scratch on the JVM.",
        subcommands = {
                RunCommand.class,
                BenchCommand.class,
                KernelCommand.class,
                TokenizeCommand.class,
                DatasetsCommand.class,
                WeightsCommand.class,
                GenerateCommand.class, PerplexityCommand.class,
                EvaluateCommand.class, RateCommand.class,
                PretrainCommand.class,
                FinetuneCommand.class, ClassifyCommand.class, RespondCommand.class, ChatCommand.class,
                CommandLine.HelpCommand.class
        })
public final class WorkbenchCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new WorkbenchCli());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + message(ex));
            if (Boolean.getBoolean("workbench.debug")) ex.printStackTrace(commandLine.getErr());
            return 1;
        });
        giveVersion(cl);
        return cl;
    }

    /** Every subcommand's {@code -V} prints the workbench's version, as the top command's does. */
    private static void giveVersion(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(new Version());
            giveVersion(sub);
        }
    }

    /** What a failed command prints after "error: ": file-system errors say what went wrong, not only the path. */
    static String message(Exception ex) {
        if (ex instanceof java.nio.file.NoSuchFileException e) return "file not found: " + e.getFile();
        if (ex instanceof java.nio.file.AccessDeniedException e) return "permission denied: " + e.getFile();
        if (ex instanceof java.nio.file.FileAlreadyExistsException e) return "already exists: " + e.getFile();
        if (ex instanceof java.nio.file.FileSystemException e && e.getReason() != null) {
            return e.getFile() + ": " + e.getReason();
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }

    public static void main(String[] args) {
        org.llmworkbench.model.Devices.prepareEngine(); // before any command creates a tensor
        int code = commandLine().execute(args);
        System.exit(code);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"llm-workbench " + Workbench.version() + " (Java " + Workbench.javaVersion() + ")"};
        }
    }
}
