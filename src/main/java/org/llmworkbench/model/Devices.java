package org.llmworkbench.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.llmworkbench.model.decode.NativeThreads;

/**
 * Where tensors live. CPU is the default everywhere; a GPU is used only when asked for and when
 * DJL's PyTorch engine finds one (that needs the CUDA build of the native library,
 * {@code ai.djl.pytorch:pytorch-native-cu1xx}, instead of {@code pytorch-native-cpu}).
 */
public final class Devices {
    static {
        prepareEngine();
    }

    private Devices() {}

    /** Engine settings that must come before the native library loads (see {@link NativeThreads}); idempotent. */
    public static void prepareEngine() {
        NativeThreads.preferPassiveWaiting();
        NativeBlas.choose();
    }

    /**
     * @param name {@code cpu}, {@code gpu} (fails when none is available) or {@code auto}
     *             (GPU when one is found, else CPU)
     */
    public static Device choose(String name) {
        String n = name == null ? "cpu" : name.trim().toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "cpu":
                return Device.cpu();
            case "gpu":
            case "cuda":
                if (gpuCount() == 0) {
                    throw new IllegalStateException("--device gpu was requested but DJL's PyTorch engine finds no GPU; "
                            + "use --device cpu, or install a CUDA GPU driver and put "
                            + "ai.djl.pytorch:pytorch-native-cu1xx (instead of pytorch-native-cpu) on the class path");
                }
                return Device.gpu();
            case "auto":
                return gpuCount() > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("device must be cpu, gpu or auto, got '" + name + "'");
        }
    }

    /** A device as JSON lines and run cards name it: {@code cpu}, {@code gpu} (the first GPU) or {@code gpu1}, … (not DJL's {@code cpu()}). */
    public static String name(Device device) {
        String type = device.getDeviceType();
        return Device.Type.CPU.equals(type) || device.getDeviceId() <= 0 ? type : type + device.getDeviceId();
    }

    public static int gpuCount() {
        return Engine.getEngine("PyTorch").getGpuCount();
    }
}
