package org.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    }

    private static CommandLine command(CommandLine cli, String... path) {
        CommandLine c = cli;
        for (String name : path) c = c.getSubcommands().get(name);
        return c;
    }
}
