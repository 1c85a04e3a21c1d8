package org.llmworkbench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code workbench finetune …}: one subcommand per kind of fine-tuning. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune a base model: classify (spam classification), instruct (instruction tuning), dpo (preference tuning).",
        subcommands = {FinetuneClassifyCommand.class, FinetuneInstructCommand.class, FinetuneDpoCommand.class})
public final class FinetuneCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
