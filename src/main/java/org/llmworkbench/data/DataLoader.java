package org.llmworkbench.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Groups a dataset's examples into batches, in a shuffled order that depends only on the seed and
 * the epoch number.
 *
 * <p>Epoch {@code e}'s order is a Fisher-Yates shuffle driven by {@code java.util.SplittableRandom}
 * seeded with a SplitMix64 mix of {@code (seed, e)}: the same seed gives the same orders on every
 * machine and JDK, and different epochs get unrelated orders. {@link #epoch(int)} asks for an epoch
 * explicitly (resuming a run); plain iteration walks epochs 0, 1, 2, … like a PyTorch DataLoader
 * reshuffling on each pass.
 */
public final class DataLoader implements Iterable<Batch> {

    /**
     * @param batchSize rows per batch
     * @param shuffle   reshuffle every epoch; otherwise dataset order
     * @param dropLast  drop a final batch smaller than {@code batchSize} (keeps every batch the same shape)
     * @param seed      the shuffle seed
     */
    public record Config(int batchSize, boolean shuffle, boolean dropLast, long seed) {
        public Config {
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
    }

    private final TokenPairDataset dataset;
    private final Config config;
    private final AtomicInteger nextEpoch = new AtomicInteger();

    public DataLoader(TokenPairDataset dataset, Config config) {
        if (dataset == null) throw new IllegalArgumentException("dataset must not be null");
        if (config == null) throw new IllegalArgumentException("config must not be null");
        this.dataset = dataset;
        this.config = config;
        if (dataset.size() == 0) throw new IllegalArgumentException("dataset is empty: nothing to batch");
        if (batchCount() == 0) {
            throw new IllegalArgumentException("batchSize must be in [1, " + dataset.size() + "] with dropLast for a dataset of "
                    + dataset.size() + " examples (no batch would be left), got " + config.batchSize()
                    + "; use a smaller batch, dropLast=false, or more data");
        }
    }

    public DataLoader(TokenPairDataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        this(dataset, new Config(batchSize, shuffle, dropLast, seed));
    }

    public Config config() {
        return config;
    }

    public TokenPairDataset dataset() {
        return dataset;
    }

    /** Batches per epoch. */
    public int batchCount() {
        int n = dataset.size();
        int b = config.batchSize();
        return config.dropLast() ? n / b : (n + b - 1) / b;
    }

    /** The order in which epoch {@code epoch} visits the dataset. */
    public int[] order(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        int n = dataset.size();
        return config.shuffle() ? Permutations.shuffled(n, epochSeed(config.seed(), epoch)) : Permutations.identity(n);
    }

    /** The batches of one epoch; iterating it twice gives the same batches. */
    public Iterable<Batch> epoch(int epoch) {
        int[] order = order(epoch);
        return () -> new BatchIterator(order);
    }

    /** Each call starts the next epoch: 0, then 1, … */
    @Override
    public Iterator<Batch> iterator() {
        return new BatchIterator(order(nextEpoch.getAndIncrement()));
    }

    /** The epoch the next {@link #iterator()} call will produce. */
    public int nextEpoch() {
        return nextEpoch.get();
    }

    /** Makes the next {@link #iterator()} call produce {@code epoch} (resuming from a checkpoint). */
    public void seekEpoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        nextEpoch.set(epoch);
    }

    private static long epochSeed(long seed, int epoch) {
        return mix64(mix64(seed) + 0x9E3779B97F4A7C15L * (epoch + 1L));
    }

    /** SplitMix64's finalizer: spreads nearby inputs (seed 1, 2, …) over unrelated outputs. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private final class BatchIterator implements Iterator<Batch> {
        private final int[] order;
        private final int batches = batchCount();
        private int next;

        BatchIterator(int[] order) {
            this.order = order;
        }

        @Override
        public boolean hasNext() {
            return next < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch has " + batches + " batches");
            int from = next * config.batchSize();
            int rows = Math.min(config.batchSize(), order.length - from);
            int[][] inputs = new int[rows][];
            int[][] targets = new int[rows][];
            int[] indices = new int[rows];
            for (int r = 0; r < rows; r++) {
                int i = order[from + r];
                indices[r] = i;
                inputs[r] = dataset.input(i);
                targets[r] = dataset.target(i);
            }
            next++;
            return new Batch(inputs, targets, indices);
        }
    }
}
