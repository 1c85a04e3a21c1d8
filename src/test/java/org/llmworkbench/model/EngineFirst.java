package org.llmworkbench.model;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs the engine settings that must come before libtorch loads ({@link Devices#prepareEngine()}:
 * OpenMP's wait policy, the BLAS choice) once per test JVM, before the first test, as the CLI and the
 * kernel do in their {@code main}: the tests then multiply matrices with the library users get.
 */
public final class EngineFirst implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Devices.prepareEngine();
    }
}
