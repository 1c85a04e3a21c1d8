package org.llmworkbench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a thread may take to stop after an interrupt before it is stopped the hard way. A
 * notebook cell that ignores interrupts is stopped after a short grace; a training loop that stops
 * at its next step boundary and saves a checkpoint first asks for a longer one while it runs.
 */
public final class StopGrace {
    private static final Map<Thread, Duration> GRACE = new ConcurrentHashMap<>();

    private StopGrace() {}

    /** While the returned handle is open, an interrupt of the current thread waits up to {@code grace}. */
    public static Handle request(Duration grace) {
        Thread t = Thread.currentThread();
        Duration previous = GRACE.put(t, grace);
        return () -> {
            if (previous == null) GRACE.remove(t); else GRACE.put(t, previous);
        };
    }

    /** The grace {@code thread} asked for, or {@code fallback}. */
    public static Duration of(Thread thread, Duration fallback) {
        Duration d = GRACE.get(thread);
        return d == null || d.compareTo(fallback) < 0 ? fallback : d;
    }

    /** Ends a grace request. */
    public interface Handle extends AutoCloseable {
        @Override
        void close();
    }
}
