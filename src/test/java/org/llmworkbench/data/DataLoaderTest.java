package org.llmworkbench.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataLoaderTest {

    /** 10 windows of length 2 over the ids 0..11: window i is [i, i+1] and its target [i+1, i+2]. */
    private static SlidingWindowDataset tenWindows() {
        return new SlidingWindowDataset(IntStream.range(0, 12).toArray(), 2, 1);
    }

    @Test
    void withoutShuffleBatchesFollowTheDataset() {
        DataLoader loader = new DataLoader(tenWindows(), 4, false, false, 0);
        List<Batch> batches = collect(loader.epoch(0));
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).inputs()).isEqualTo(new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}});
        assertThat(batches.get(0).targets()).isEqualTo(new int[][] {{1, 2}, {2, 3}, {3, 4}, {4, 5}});
        assertThat(batches.get(2).indices()).containsExactly(8, 9);
        assertThat(loader.order(3)).isEqualTo(loader.order(0));
    }

    @Test
    void dropLastCounts() {
        DataLoader keep = new DataLoader(tenWindows(), 3, true, false, 7);
        DataLoader drop = new DataLoader(tenWindows(), 3, true, true, 7);
        assertThat(keep.batchCount()).isEqualTo(4);
        assertThat(drop.batchCount()).isEqualTo(3);
        assertThat(collect(keep.epoch(0))).extracting(Batch::size).containsExactly(3, 3, 3, 1);
        assertThat(collect(drop.epoch(0))).extracting(Batch::size).containsExactly(3, 3, 3);
        assertThat(new DataLoader(tenWindows(), 5, false, true, 7).batchCount()).isEqualTo(2);
        assertThat(new DataLoader(tenWindows(), 10, false, true, 7).batchCount()).isEqualTo(1);
    }

    @Test
    void sameSeedSameOrderOtherSeedOrEpochAnotherOrder() {
        DataLoader a = new DataLoader(tenWindows(), 3, true, false, 123);
        DataLoader b = new DataLoader(tenWindows(), 3, true, false, 123);
        DataLoader c = new DataLoader(tenWindows(), 3, true, false, 124);
        assertThat(collect(a.epoch(0))).isEqualTo(collect(b.epoch(0)));
        assertThat(a.order(5)).isEqualTo(b.order(5));
        assertThat(a.order(0)).isNotEqualTo(c.order(0));
        assertThat(a.order(0)).isNotEqualTo(a.order(1));
        // Pinned, so a change of PRNG or shuffle (which would change every run's numbers) is noticed.
        assertThat(a.order(0)).containsExactly(PINNED_SEED_123_EPOCH_0);
    }

    private static final int[] PINNED_SEED_123_EPOCH_0 = {8, 2, 1, 6, 3, 7, 5, 0, 4, 9};

    @Test
    void everyEpochVisitsEachExampleOnce() {
        DataLoader loader = new DataLoader(tenWindows(), 3, true, false, 99);
        for (int epoch = 0; epoch < 5; epoch++) {
            int[] seen = collect(loader.epoch(epoch)).stream().flatMapToInt(b -> Arrays.stream(b.indices())).sorted().toArray();
            assertThat(seen).containsExactly(IntStream.range(0, 10).toArray());
        }
        // Rows really are the examples named by indices.
        for (Batch b : loader.epoch(2)) {
            for (int r = 0; r < b.size(); r++) {
                assertThat(b.inputs()[r]).containsExactly(b.indices()[r], b.indices()[r] + 1);
            }
        }
    }

    @Test
    void iterationWalksTheEpochsInTurn() {
        DataLoader loader = new DataLoader(tenWindows(), 4, true, false, 5);
        List<Batch> first = collect(loader);
        List<Batch> second = collect(loader);
        assertThat(first).isEqualTo(collect(loader.epoch(0)));
        assertThat(second).isEqualTo(collect(loader.epoch(1)));
        assertThat(loader.nextEpoch()).isEqualTo(2);
        loader.seekEpoch(0);
        assertThat(collect(loader)).isEqualTo(first);
    }

    @Test
    void badSettingsNameTheField() {
        assertThatThrownBy(() -> new DataLoader.Config(0, true, true, 1)).hasMessage("batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> new DataLoader(tenWindows(), 11, true, true, 1))
                .hasMessageStartingWith("batchSize must be in [1, 10] with dropLast");
        assertThat(new DataLoader(tenWindows(), 11, true, false, 1).batchCount()).isEqualTo(1);
        assertThatThrownBy(() -> new DataLoader(tenWindows(), 2, true, true, 1).order(-1)).hasMessage("epoch must be >= 0, got -1");
    }

    private static List<Batch> collect(Iterable<Batch> batches) {
        List<Batch> list = new ArrayList<>();
        batches.forEach(list::add);
        return list;
    }
}
