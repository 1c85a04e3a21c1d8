package org.llmworkbench.model.decode;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * OpenMP worker threads of the native PyTorch library spin while waiting for work by default. On a
 * machine whose cores are shared with other processes that spinning steals the cores the other
 * worker needs: with 2 threads, token-by-token generation ran ~10x slower than with 1 thread here.
 * Asking OpenMP to sleep instead ({@code OMP_WAIT_POLICY=PASSIVE}) removes that cliff. A sleeping
 * thread takes tens of microseconds to wake, though, and a small model's training step has hundreds
 * of short parallel regions: a brief spin first ({@code GOMP_SPINCOUNT}, {@value #SPIN_COUNT}
 * iterations, a few microseconds) made shakespeare-char's step ~13% faster on an idle machine and
 * ~8% slower beside a busy process, where longer spins cost 2-6x. OpenMP reads these variables once,
 * when the native library loads, so this must run before the first NDArray is created; variables
 * already in the environment always win.
 */
public final class NativeThreads {
    /** Iterations an idle OpenMP thread spins before it sleeps (libgomp's default is 300,000; PASSIVE alone 0). */
    public static final String SPIN_COUNT = "3000";

    private static volatile boolean done;

    private NativeThreads() {}

    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    public static void preferPassiveWaiting() {
        if (done) return;
        done = true;
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) return;
        String policy = System.getenv("OMP_WAIT_POLICY");
        try {
            if (policy == null) setenvIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            // a short spin on top of PASSIVE; an explicit ACTIVE policy or spin count stays as the user set it
            if ((policy == null || policy.equalsIgnoreCase("PASSIVE")) && System.getenv("GOMP_SPINCOUNT") == null) {
                setenvIfAbsent("GOMP_SPINCOUNT", SPIN_COUNT);
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // Not fatal: only a performance hint.
        }
    }

    /** Sets a variable in this process's native environment (what native libraries read when they load), unless set. */
    public static void setenvIfAbsent(String name, String value) {
        Native.load("c", LibC.class).setenv(name, value, 0);
    }
}
