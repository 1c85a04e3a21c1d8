package org.llmworkbench.finetune;

import org.llmworkbench.data.DataLoader;
import org.llmworkbench.data.TokenPairDataset;
import org.llmworkbench.train.BatchSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Examples of different lengths in batches, collated one batch at a time: the batch source behind
 * instruction tuning ({@link InstructionCollate}) and DPO ({@link PreferenceCollate}). The order of
 * each epoch comes from a {@link DataLoader} (seeded Fisher-Yates per epoch), so a resumed run sees
 * the same batches.
 *
 * @param <S> one tokenized example
 * @param <B> the collated batch
 */
public final class InstructionBatches<S, B> implements BatchSource<B> {

    /** Collates the examples of one batch; {@code indices} are their positions in the list. */
    public interface Collate<S, B> {
        B collate(List<S> samples, int[] indices);
    }

    private final List<S> samples;
    private final DataLoader order;
    private final Collate<S, B> collate;

    public InstructionBatches(List<S> samples, DataLoader.Config config, Collate<S, B> collate) {
        this.samples = List.copyOf(samples);
        this.collate = collate;
        this.order = new DataLoader(new Positions(this.samples.size()), config);
    }

    /** The book's loaders: training shuffled with dropLast, validation and test in order with every example. */
    public static <S, B> InstructionBatches<S, B> training(List<S> samples, int batchSize, long seed, Collate<S, B> c) {
        if (batchSize > samples.size()) {
            throw new IllegalArgumentException(samples.size() + " training examples make no full batch of " + batchSize
                    + " (the last partial batch is dropped, as in the book): use a batch size of at most " + samples.size()
                    + " or train on more examples");
        }
        return new InstructionBatches<>(samples, new DataLoader.Config(batchSize, true, true, seed), c);
    }

    public static <S, B> InstructionBatches<S, B> inOrder(List<S> samples, int batchSize, Collate<S, B> c) {
        return new InstructionBatches<>(samples, new DataLoader.Config(batchSize, false, false, 0), c);
    }

    public List<S> samples() {
        return samples;
    }

    @Override
    public int batchesPerEpoch() {
        return order.batchCount();
    }

    @Override
    public Iterator<B> epoch(int epoch) {
        int[] visit = order.order(epoch);
        int batchSize = order.config().batchSize();
        int batches = batchesPerEpoch();
        return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public B next() {
                if (!hasNext()) throw new NoSuchElementException("epoch has " + batches + " batches");
                int from = next++ * batchSize;
                int rows = Math.min(batchSize, visit.length - from);
                List<S> picked = new ArrayList<>(rows);
                int[] indices = new int[rows];
                for (int r = 0; r < rows; r++) {
                    indices[r] = visit[from + r];
                    picked.add(samples.get(indices[r]));
                }
                return collate.collate(picked, indices);
            }
        };
    }

    /** A dataset of n positions: only its size matters to the loader's ordering. */
    private record Positions(int size) implements TokenPairDataset {
        @Override
        public int[] input(int index) {
            return new int[] {index};
        }

        @Override
        public int[] target(int index) {
            return new int[] {index};
        }
    }
}
