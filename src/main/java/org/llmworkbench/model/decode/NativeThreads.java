package org.llmworkbench.model.decode;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * OpenMP worker threads of the native PyTorch library spin while waiting for work by default. On a
 * machine whose cores are shared with other processes that spinning steals the cores the other
 * worker needs: with 2 threads, token-by-token generation ran ~10x slower than with 1 thread here.
 * Asking OpenMP to sleep instead ({@code OMP_WAIT_POLICY=PASSIVE}) removes that cliff. OpenMP reads
 * the variable once, when the native library loads, so this must run before the first NDArray is
 * created; an explicit {@code OMP_WAIT_POLICY} in the environment always wins.
 */
public final class NativeThreads {
    private static volatile boolean done;

    private NativeThreads() {}

    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    public static void preferPassiveWaiting() {
        if (done) return;
        done = true;
        if (System.getenv("OMP_WAIT_POLICY") != null || !System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return;
        }
        try {
            setenvIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // Not fatal: only a performance hint.
        }
    }

    /** Sets a variable in this process's native environment (what native libraries read when they load), unless set. */
    public static void setenvIfAbsent(String name, String value) {
        Native.load("c", LibC.class).setenv(name, value, 0);
    }
}
