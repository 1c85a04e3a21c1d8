package org.llmworkbench.model.decode;

import ai.djl.pytorch.jni.JniUtils;
import org.llmworkbench.model.NativeBlas;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The worker threads that run {@link ShardedDecode}'s shards, shared by every model in the JVM and
 * started on first use (daemon threads, idle between steps).
 *
 * <p>Each worker runs its native ops with one intra-op thread: the parallelism comes from the
 * workers themselves, and PyTorch's own pool on top would oversubscribe the cores. PyTorch keeps
 * that setting per thread, but {@code set_num_threads} also changes the default new threads start
 * with, so the caller's count is put back once the workers are set up.
 *
 * <p>One step at a time: two steps interleaved on the same workers could wait for each other at
 * their barriers forever, so {@link #run} is serialized.
 */
final class DecodeWorkers {
    private static final List<Worker> WORKERS = new ArrayList<>();
    private static final Object STEP = new Object();

    private DecodeWorkers() {}

    /**
     * Runs {@code task.accept(shard)} for shards 0…n-1, one per worker, and returns when all are done.
     * If a shard fails, {@code onFailure} is told (so the others stop waiting for it) and the first
     * failure is rethrown here.
     */
    static void run(int n, IntConsumer task, Consumer<Throwable> onFailure) {
        synchronized (STEP) {
            ensureWorkers(n);
            CountDownLatch done = new CountDownLatch(n);
            Throwable[] failures = new Throwable[n];
            for (int s = 0; s < n; s++) {
                int shard = s;
                WORKERS.get(s).queue.add(() -> {
                    try {
                        task.accept(shard);
                    } catch (Throwable t) {
                        failures[shard] = t;
                        onFailure.accept(t);
                    } finally {
                        done.countDown();
                    }
                });
            }
            awaitUninterruptibly(done);
            Throwable first = null;
            for (Throwable t : failures) {
                if (t != null && (first == null || first instanceof SpinBarrier.BrokenException)) first = t;
            }
            if (first instanceof RuntimeException r) throw r;
            if (first instanceof Error e) throw e;
            if (first != null) throw new IllegalStateException("decode shard failed: " + first, first);
        }
    }

    /** The shards write into the KV cache: the step must finish before anyone reads or frees it. */
    private static void awaitUninterruptibly(CountDownLatch done) {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static void ensureWorkers(int n) {
        if (WORKERS.size() >= n) return;
        int callerThreads = JniUtils.getNumThreads();
        while (WORKERS.size() < n) {
            Worker w = new Worker(WORKERS.size());
            WORKERS.add(w);
            CountDownLatch ready = new CountDownLatch(1);
            w.queue.add(() -> {
                try {
                    JniUtils.getNumThreads(); // PyTorch's per-thread lazy init first, or it would undo the next line
                    JniUtils.setNumThreads(1);
                    NativeBlas.threadsForThisThread(1); // OpenBLAS's OpenMP team too, when it answers the GEMMs
                    // grad mode is per thread too, and on by default: workers only ever run inference steps
                    JniUtils.setGradMode(false);
                } finally {
                    ready.countDown();
                }
            });
            w.thread.start();
            awaitUninterruptibly(ready);
        }
        JniUtils.setNumThreads(callerThreads);
    }

    private static final class Worker {
        final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        final Thread thread;

        Worker(int index) {
            thread = new Thread(this::serve, "llm-workbench-decode-" + index);
            thread.setDaemon(true);
        }

        private void serve() {
            while (true) {
                try {
                    queue.take().run();
                } catch (InterruptedException e) {
                    // daemon worker: keep serving
                } catch (Throwable t) {
                    // tasks report their own failures; never let the worker die
                }
            }
        }
    }
}
