package org.llmworkbench.notebook;

import java.lang.reflect.Field;

/**
 * Per-thread native state a cell thread must start with.
 *
 * <p>DJL's convention is that gradients are recorded only inside a {@code GradientCollector}: its
 * PyTorch engine turns PyTorch's gradient mode off when it loads, but that mode is per thread and
 * PyTorch starts every other thread with it on. A cell thread created after the engine was loaded
 * elsewhere (by the run card, or in an earlier cell thread that was stopped) would otherwise build an
 * autograd graph for every operation: slower, more memory, and no in-place updates. So before a cell
 * runs on a thread for the first time after the engine is up, gradient mode is turned off there, once
 * (a collector a user opens later on that thread is left alone). The engine is not loaded just for
 * this: notebooks that never touch DJL do not pay for it.
 */
final class CellThreadState {
    private static final ThreadLocal<Boolean> PREPARED = ThreadLocal.withInitial(() -> false);

    private CellThreadState() {}

    static void beforeCell() {
        if (PREPARED.get() || !pytorchEngineLoaded()) return;
        PREPARED.set(true);
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }

    /** Whether DJL's PyTorch engine has been created in this JVM (read without creating it). */
    static boolean pytorchEngineLoaded() {
        Field engine = EngineField.FIELD;
        try {
            return engine != null && engine.get(null) != null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** The provider's static engine field, looked up once (every snippet asks until the engine is up). */
    private static final class EngineField {
        static final Field FIELD = find();

        private static Field find() {
            try {
                Class<?> provider = Class.forName("ai.djl.pytorch.engine.PtEngineProvider", true,
                        CellThreadState.class.getClassLoader());
                Field engine = provider.getDeclaredField("engine");
                engine.setAccessible(true);
                return engine;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    }
}
