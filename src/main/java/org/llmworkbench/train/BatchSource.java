package org.llmworkbench.train;

import org.llmworkbench.data.Batch;
import org.llmworkbench.data.DataLoader;

import java.util.Iterator;

/**
 * Batches in epochs. An epoch's batches depend only on the epoch number (and the source's seed),
 * so a resumed run can skip to exactly where an interrupted one stopped.
 *
 * @param <B> the batch type
 */
public interface BatchSource<B> {

    int batchesPerEpoch();

    /** The batches of epoch {@code epoch}, in order; the same every time it is asked for. */
    Iterator<B> epoch(int epoch);

    /** A {@link DataLoader} of next-token windows as a batch source. */
    static BatchSource<Batch> of(DataLoader loader) {
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return loader.batchCount();
            }

            @Override
            public Iterator<Batch> epoch(int epoch) {
                return loader.epoch(epoch).iterator();
            }
        };
    }
}
