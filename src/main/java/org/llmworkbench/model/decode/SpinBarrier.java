package org.llmworkbench.model.decode;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reusable barrier for a few threads that meet every few hundred microseconds: waiting threads
 * spin briefly (a parked thread takes tens of microseconds to wake, as long as a whole small step),
 * then yield. If one party fails, {@link #breakWith(Throwable)} releases the others with an error
 * instead of leaving them waiting forever.
 */
final class SpinBarrier {
    private static final int SPINS_BEFORE_YIELD = 1 << 14;

    private final int parties;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;
    private volatile Throwable broken;

    SpinBarrier(int parties) {
        if (parties < 1) throw new IllegalArgumentException("parties must be at least 1, got " + parties);
        this.parties = parties;
    }

    void await() {
        int gen = generation;
        checkBroken();
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            generation = gen + 1;
            return;
        }
        int spins = 0;
        while (generation == gen) {
            checkBroken();
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    void breakWith(Throwable cause) {
        if (broken == null) broken = cause;
    }

    private void checkBroken() {
        Throwable cause = broken;
        if (cause != null) throw new BrokenException(cause);
    }

    /** Thrown in the parties still waiting when another one failed. */
    static final class BrokenException extends RuntimeException {
        BrokenException(Throwable cause) {
            super("another party failed: " + cause, cause);
        }
    }
}
