package org.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.finetune.ClassifierTraining;
import org.llmworkbench.finetune.DpoTuning;
import org.llmworkbench.finetune.FinetuneMode;
import org.llmworkbench.finetune.InstructionTuning;
import org.llmworkbench.finetune.TuningSchedule;
import org.llmworkbench.kernel.KernelSpec;
import picocli.CommandLine;

/** The option mixins several commands share: what they parse to, and that every command lists them alike. */
class SharedOptionsTest {

    @Test
    void dataIsTheInstructionDatasetByDefaultOrTheFileGiven(@TempDir Path dir) throws Exception {
        InstructionDataOption byDefault = CommandLine.populateCommand(new InstructionDataOption());
        assertThat(byDefault.data).isEqualTo("instruction-data");
        assertThat(byDefault.file().getFileName().toString()).endsWith(".json");
        assertThat(byDefault.file()).isRegularFile();

        Path own = Files.writeString(dir.resolve("mine.json"), "[]");
        InstructionDataOption given = CommandLine.populateCommand(new InstructionDataOption(), "--data", own.toString());
        assertThat(given.file()).isEqualTo(own);

        InstructionDataOption unknown = CommandLine.populateCommand(new InstructionDataOption(), "--data", "no-such-dataset");
        assertThatThrownBy(unknown::file).hasMessageContaining("no-such-dataset");
    }

    @Test
    void deviceIsCpuByDefaultAndRefusesUnknownNames() {
        DeviceOption byDefault = CommandLine.populateCommand(new DeviceOption());
        assertThat(byDefault.choose()).isEqualTo(Device.cpu());
        assertThat(CommandLine.populateCommand(new DeviceOption(), "--device", "auto").choose()).isNotNull();
        DeviceOption tpu = CommandLine.populateCommand(new DeviceOption(), "--device", "tpu");
        assertThatThrownBy(tpu::choose).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'tpu'");
    }

    @Test
    void tuningOptionsReplaceOnlyThePartsOfThePresetsScheduleGiven() {
        TuningOptions none = CommandLine.populateCommand(new TuningOptions());
        assertThat(none.applyTo(InstructionTuning.workshop())).isEqualTo(InstructionTuning.workshop());
        assertThat(none.trainLimit).isNull();

        TuningOptions some = CommandLine.populateCommand(new TuningOptions(),
                "--epochs", "3", "--steps", "7", "--lr", "2e-4", "--batch-size", "4", "--seed", "9", "--train-limit", "16");
        TuningSchedule s = some.applyTo(InstructionTuning.book()).schedule();
        assertThat(s.epochs()).isEqualTo(3);
        assertThat(s.maxSteps()).isEqualTo(7);
        assertThat(s.learningRate()).isEqualTo(2e-4);
        assertThat(s.batchSize()).isEqualTo(4);
        assertThat(s.seed()).isEqualTo(9);
        assertThat(s.weightDecay()).as("not given: the preset's").isEqualTo(InstructionTuning.book().schedule().weightDecay());
        assertThat(some.trainLimit).isEqualTo(16);

        DpoTuning dpo = CommandLine.populateCommand(new TuningOptions(), "--lr", "1e-5").applyTo(DpoTuning.book());
        assertThat(dpo.schedule()).isEqualTo(DpoTuning.book().schedule().withLearningRate(1e-5));
        assertThat(dpo.beta()).isEqualTo(DpoTuning.book().beta());

        ClassifierTraining.Settings classifier = CommandLine.populateCommand(new TuningOptions(),
                "--weight-decay", "0.05", "--steps", "3").applyTo(ClassifierTraining.Settings.book().withMode(FinetuneMode.FULL));
        assertThat(classifier.schedule()).isEqualTo(ClassifierTraining.Settings.book().schedule().withWeightDecay(0.05).withMaxSteps(3));
        assertThat(classifier.mode()).isEqualTo(FinetuneMode.FULL);

        TuningOptions zeroBatch = CommandLine.populateCommand(new TuningOptions(), "--batch-size", "0");
        assertThatThrownBy(() -> zeroBatch.applyTo(DpoTuning.workshop())).hasMessageContaining("batchSize must be >= 1, got 0");
    }

    @Test
    void kernelJvmOptionsReplaceThreadsAndClassPathWhenGiven() {
        KernelSpec.Options defaults = KernelSpec.Options.defaults();
        assertThat(CommandLine.populateCommand(new KernelJvmOptions()).applyTo(defaults)).isEqualTo(defaults);
        KernelSpec.Options given = CommandLine.populateCommand(new KernelJvmOptions(), "--threads", "3", "--classpath", "a.jar")
                .applyTo(defaults);
        assertThat(given.threads()).isEqualTo(3);
        assertThat(given.classpath()).isEqualTo("a.jar");
        assertThat(given.java()).isEqualTo(defaults.java());
        KernelJvmOptions none = CommandLine.populateCommand(new KernelJvmOptions(), "--threads", "0");
        assertThatThrownBy(() -> none.applyTo(defaults)).hasMessageContaining("threads must be in 1..1024, got 0");
    }

    @Test
    void timedStepsAreTwentyAfterThreeUntimedByDefaultAndRefuseNone() {
        TimedStepsOptions byDefault = CommandLine.populateCommand(new TimedStepsOptions());
        assertThat(byDefault.steps).isEqualTo(20);
        assertThat(byDefault.warmup).isEqualTo(3);
        byDefault.check();
        TimedStepsOptions noSteps = CommandLine.populateCommand(new TimedStepsOptions(), "--steps", "0", "--warmup", "0");
        assertThatThrownBy(noSteps::check).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--steps must be >= 1 and --warmup >= 0, got 0 and 0");
        TimedStepsOptions negative = CommandLine.populateCommand(new TimedStepsOptions(), "--warmup", "-1");
        assertThatThrownBy(negative::check).hasMessageContaining("got 20 and -1");
        for (String bench : new String[] {"train", "finetune"}) {
            CliRun run = CliRun.of("bench", bench, "--steps", "0");
            assertThat(run.code()).as(bench).isEqualTo(1);
            assertThat(run.err()).as(bench).contains("--steps must be >= 1 and --warmup >= 0, got 0 and 3");
        }
    }

    @Test
    void dataDirIsTheFolderGivenElseTheSetting(@TempDir Path dir) {
        assertThat(CommandLine.populateCommand(new DataDirOption(), "--data-dir", dir.toString()).orSetting()).isEqualTo(dir);
        DataDirOption none = CommandLine.populateCommand(new DataDirOption());
        assertThat(none.dataDir).isNull();
        assertThat(none.orSetting()).isEqualTo(Datasets.dataDir());
    }

    @Test
    void commandsSharingAnOptionDescribeItAlike() {
        CommandLine cli = WorkbenchCli.commandLine();
        for (String[] path : new String[][] {{"generate"}, {"perplexity"}, {"pretrain"}, {"bench", "generate"}}) {
            CommandLine.Model.OptionSpec device = command(cli, path).getCommandSpec().findOption("--device");
            assertThat(device).as(String.join(" ", path)).isNotNull();
            assertThat(device.defaultValue()).isEqualTo("cpu");
            assertThat(device.description()).containsExactly("cpu (default), gpu or auto.");
        }
        for (String[] path : new String[][] {{"respond"}, {"finetune", "instruct"}}) {
            CommandLine.Model.OptionSpec data = command(cli, path).getCommandSpec().findOption("--data");
            assertThat(data).as(String.join(" ", path)).isNotNull();
            assertThat(data.defaultValue()).isEqualTo("instruction-data");
        }
        for (String[] path : new String[][] {{"finetune", "instruct"}, {"finetune", "dpo"}}) {
            for (String name : new String[] {"--epochs", "--steps", "--lr", "--batch-size", "--seed", "--train-limit"}) {
                assertThat(command(cli, path).getCommandSpec().findOption(name)).as(String.join(" ", path) + " " + name)
                        .isNotNull().extracting(CommandLine.Model.OptionSpec::defaultValue).isNull();
            }
        }
        for (String[] path : new String[][] {{"kernel", "install"}, {"bench", "kernel"}}) {
            CommandLine.Model.OptionSpec threads = command(cli, path).getCommandSpec().findOption("--threads");
            assertThat(threads.description()).as(String.join(" ", path))
                    .containsExactly("PyTorch intra-op threads for the kernel (default: cores).");
            assertThat(command(cli, path).getCommandSpec().findOption("--classpath")).isNotNull();
        }
        for (String[] path : new String[][] {{"bench", "train"}, {"bench", "finetune"}}) {
            assertThat(command(cli, path).getCommandSpec().findOption("--steps").defaultValue()).isEqualTo("20");
            assertThat(command(cli, path).getCommandSpec().findOption("--warmup").defaultValue()).isEqualTo("3");
        }
        for (String[] path : new String[][] {{"datasets"}, {"run"}, {"kernel", "install"}}) {
            assertThat(command(cli, path).getCommandSpec().findOption("--data-dir").paramLabel()).as(String.join(" ", path))
                    .isEqualTo("DIR");
        }
    }

    private static CommandLine command(CommandLine cli, String... path) {
        CommandLine c = cli;
        for (String name : path) c = c.getSubcommands().get(name);
        return c;
    }
}
