package org.llmworkbench.train;


import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The optimizer's element-wise work done in one pass over the tensors' own memory, from Java.
 *
 * <p>Each AdamW update through NDArray operations reads and writes every parameter-sized array
 * about a dozen times and allocates several temporaries (the native {@code adam_update} clones the
 * gradient, then multiplies, adds, takes the square root, divides, ...). Here a CPU tensor's memory
 * is read and written in place through a direct buffer: the update reads p, g, m, v once and writes
 * p, m, v once, split into fixed chunks over the PyTorch thread count. Every element is computed
 * on its own and the norm's partial sums are added in chunk order, so results do not depend on
 * the number of threads.
 */
final class ElementwiseKernels {
    /** Elements per task: large enough to hide scheduling, small enough to share work between threads. */
    static final int CHUNK = 1 << 15;

    private static final java.util.concurrent.atomic.AtomicInteger THREAD_NUMBER = new java.util.concurrent.atomic.AtomicInteger();
    private static volatile ForkJoinPool pool;

    private ElementwiseKernels() {}

    /** The sum of squares of every element of every buffer (in double, chunk by chunk in a fixed order). */
    static double sumOfSquares(FloatBuffer[] buffers, int threads) {
        double total = 0;
        for (FloatBuffer b : buffers) {
            int n = b.capacity();
            int chunks = (n + CHUNK - 1) / CHUNK;
            double[] partial = new double[chunks];
            forEachChunk(chunks, threads, c -> {
                int from = c * CHUNK;
                int to = Math.min(n, from + CHUNK);
                double s = 0;
                for (int i = from; i < to; i++) {
                    float x = b.get(i);
                    s += (double) x * x;
                }
                partial[c] = s;
            });
            for (double s : partial) total += s;
        }
        return total;
    }

    /**
     * PyTorch's AdamW step for one parameter, element by element, in its order of float operations:
     * {@code p *= keep; m = m·β1 + (1−β1)·g; v = v·β2 + (1−β2)·g·g; p −= stepSize · m / (√v / bc2 + ε)},
     * where {@code g} is the gradient times {@code gradScale} (the clipping coefficient).
     */
    static void adamw(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, double gradScale, double keepFactor,
                      double beta1Factor, double beta2Factor, double stepSize, double bc2Sqrt, double epsilon, int threads) {
        int n = p.capacity();
        if (g.capacity() != n || m.capacity() != n || v.capacity() != n) {
            throw new IllegalStateException("AdamW: parameter, gradient and moments differ in size (" + n + ", "
                    + g.capacity() + ", " + m.capacity() + ", " + v.capacity() + ")");
        }
        // scalars as PyTorch passes them to float kernels: computed in double, then rounded to float
        float scale = (float) gradScale;
        float keep = (float) keepFactor;
        float beta1 = (float) beta1Factor;
        float beta2 = (float) beta2Factor;
        float oneMinusBeta1 = (float) (1 - beta1Factor);
        float oneMinusBeta2 = (float) (1 - beta2Factor);
        float negStep = (float) -stepSize;
        float bc2 = (float) bc2Sqrt;
        float eps = (float) epsilon;
        boolean scaled = scale != 1f;
        boolean decay = keep != 1f;
        int chunks = (n + CHUNK - 1) / CHUNK;
        forEachChunk(chunks, threads, c -> {
            int from = c * CHUNK;
            int to = Math.min(n, from + CHUNK);
            for (int i = from; i < to; i++) {
                float gi = scaled ? g.get(i) * scale : g.get(i);
                float pi = decay ? p.get(i) * keep : p.get(i);
                float mi = m.get(i) * beta1 + oneMinusBeta1 * gi;
                float vi = v.get(i) * beta2 + oneMinusBeta2 * gi * gi;
                float denom = (float) Math.sqrt(vi) / bc2 + eps;
                m.put(i, mi);
                v.put(i, vi);
                p.put(i, pi + negStep * (mi / denom));
            }
        });
    }

    private interface ChunkTask {
        void run(int chunk);
    }

    private static void forEachChunk(int chunks, int threads, ChunkTask task) {
        if (chunks <= 1 || threads <= 1) {
            for (int c = 0; c < chunks; c++) task.run(c);
            return;
        }
        pool(threads).invoke(new Split(task, 0, chunks));
    }

    private static final class Split extends RecursiveAction {
        private final ChunkTask task;
        private final int from;
        private final int to;

        Split(ChunkTask task, int from, int to) {
            this.task = task;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                task.run(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Split(task, from, mid), new Split(task, mid, to));
        }
    }

    private static ForkJoinPool pool(int threads) {
        ForkJoinPool p = pool;
        if (p != null && p.getParallelism() == threads) return p;
        synchronized (ElementwiseKernels.class) {
            if (pool == null || pool.getParallelism() != threads) {
                ForkJoinPool old = pool;
                pool = new ForkJoinPool(threads, fjp -> {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
                    t.setDaemon(true);
                    t.setName("workbench-optimizer-" + THREAD_NUMBER.getAndIncrement());
                    return t;
                }, null, false);
                if (old != null) old.shutdown();
            }
            return pool;
        }
    }
}
