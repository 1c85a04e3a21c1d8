package org.llmworkbench.cli;

import ai.djl.Device;
import org.llmworkbench.model.Devices;
import picocli.CommandLine.Option;

/**
 * {@code --device}: where a command runs its model (a picocli {@code @Mixin}, in {@link ModelOptions}
 * and in the commands that name their model another way).
 */
final class DeviceOption {

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default), gpu or auto.")
    String device;

    /** The device this option names (see {@link Devices#choose}): fails clearly for gpu without one. */
    Device choose() {
        return Devices.choose(device);
    }
}
