package org.llmworkbench.model;

import org.llmworkbench.model.decode.ShardedDecode;

import java.util.function.Supplier;

/**
 * Runs some work with the KV-cache decode step split across a given number of threads (1 = on the
 * calling thread), then restores the setting it found. It is the library's own switch
 * ({@code workbench.decode.shards}), so a notebook comparing thread counts never edits system
 * properties by hand. The setting is process-wide: do not generate from other threads meanwhile.
 */
public final class DecodeThreads {
    private DecodeThreads() {}

    public static synchronized <T> T with(int threads, Supplier<T> work) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1 (1 = decode on the calling thread), got " + threads);
        String before = System.getProperty(ShardedDecode.PROPERTY);
        System.setProperty(ShardedDecode.PROPERTY, Integer.toString(threads));
        try {
            return work.get();
        } finally {
            if (before == null) System.clearProperty(ShardedDecode.PROPERTY);
            else System.setProperty(ShardedDecode.PROPERTY, before);
        }
    }
}
