package org.llmworkbench.data;

import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlidingWindowDatasetTest {

    @Test
    void theVerdictHas5145Gpt2Tokens() {
        int[] ids = TheVerdict.ids();
        assertThat(ids).hasSize(5_145);
        assertThat(ids).startsWith(40, 367, 2885, 1464, 1807, 3619, 402, 271);
    }

    @Test
    void booksFirstBatchesForMaxLength4Stride1Batch1() {
        DataLoader loader = new DataLoader(new SlidingWindowDataset(TheVerdict.ids(), 4, 1), 1, false, false, 123);
        Iterator<Batch> batches = loader.iterator();
        Batch first = batches.next();
        assertThat(first.inputs()).isEqualTo(new int[][] {{40, 367, 2885, 1464}});
        assertThat(first.targets()).isEqualTo(new int[][] {{367, 2885, 1464, 1807}});
        Batch second = batches.next();
        assertThat(second.inputs()).isEqualTo(new int[][] {{367, 2885, 1464, 1807}});
        assertThat(second.targets()).isEqualTo(new int[][] {{2885, 1464, 1807, 3619}});
        assertThat(loader.batchCount()).isEqualTo(5_145 - 4);
    }

    @Test
    void booksBatchOf8WithMaxLength4Stride4() {
        DataLoader loader = new DataLoader(new SlidingWindowDataset(TheVerdict.ids(), 4, 4), 8, false, false, 123);
        Batch first = loader.iterator().next();
        assertThat(first.inputs()).isEqualTo(new int[][] {
                {40, 367, 2885, 1464}, {1807, 3619, 402, 271}, {10899, 2138, 257, 7026}, {15632, 438, 2016, 257},
                {922, 5891, 1576, 438}, {568, 340, 373, 645}, {1049, 5975, 284, 502}, {284, 3285, 326, 11}});
        assertThat(first.targets()).isEqualTo(new int[][] {
                {367, 2885, 1464, 1807}, {3619, 402, 271, 10899}, {2138, 257, 7026, 15632}, {438, 2016, 257, 922},
                {5891, 1576, 438, 568}, {340, 373, 645, 1049}, {5975, 284, 502, 284}, {3285, 326, 11, 287}});
        assertThat(first.indices()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void windowCountsForContext256OnTheWholeTextAndTheBooksSplit() {
        // ceil((5145 - 256) / 256) = ceil(19.1) = 20
        assertThat(SlidingWindowDataset.windowCount(5_145, 256, 256)).isEqualTo(20);
        assertThat(new SlidingWindowDataset(TheVerdict.ids(), 256, 256).size()).isEqualTo(20);

        TrainValSplit.TextSplit split = TrainValSplit.ninetyTen().split(TheVerdict.text());
        int[] train = TheVerdict.encode(split.train());
        int[] val = TheVerdict.encode(split.validation());
        assertThat(train).hasSize(4_612);
        assertThat(val).hasSize(534);
        SlidingWindowDataset trainSet = new SlidingWindowDataset(train, 256, 256);
        SlidingWindowDataset valSet = new SlidingWindowDataset(val, 256, 256);
        assertThat(trainSet.size()).isEqualTo(18); // ceil(4356 / 256)
        assertThat(valSet.size()).isEqualTo(2);    // ceil(278 / 256)

        // The book's loaders: batch 2, train drops the last partial batch, validation keeps it.
        DataLoader trainLoader = new DataLoader(trainSet, 2, true, true, 123);
        DataLoader valLoader = new DataLoader(valSet, 2, false, false, 123);
        assertThat(trainLoader.batchCount()).isEqualTo(9);
        assertThat(valLoader.batchCount()).isEqualTo(1);
        long trainTokens = 0;
        for (Batch b : trainLoader) trainTokens += b.tokenCount();
        long valTokens = 0;
        for (Batch b : valLoader) valTokens += b.tokenCount();
        assertThat(trainTokens).isEqualTo(4_608);
        assertThat(valTokens).isEqualTo(512);
    }

    @Test
    void countMatchesPythonsRangeForManyShapes() {
        for (int n = 0; n <= 40; n++) {
            for (int maxLength = 1; maxLength <= 12; maxLength++) {
                for (int stride = 1; stride <= 12; stride++) {
                    int expected = 0;
                    for (int i = 0; i < n - maxLength; i += stride) expected++;
                    assertThat(SlidingWindowDataset.windowCount(n, maxLength, stride))
                            .as("n=%d maxLength=%d stride=%d", n, maxLength, stride).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void everyWindowIsItsInputShiftedByOneAndStaysInsideTheStream() {
        int[] ids = IntStream.range(100, 123).toArray(); // 23 tokens
        SlidingWindowDataset d = new SlidingWindowDataset(ids, 5, 3);
        assertThat(d.size()).isEqualTo(6); // starts 0,3,6,9,12,15 (< 18)
        assertThat(d.input(5)).containsExactly(115, 116, 117, 118, 119);
        assertThat(d.target(5)).containsExactly(116, 117, 118, 119, 120);
        for (int i = 0; i < d.size(); i++) {
            assertThat(d.start(i)).isEqualTo(3 * i);
            assertThat(d.input(i)[0]).isEqualTo(100 + 3 * i);
            assertThat(d.target(i)).startsWith(d.input(i)[1]);
        }
        assertThatThrownBy(() -> d.input(6)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("[0, 5]");
    }

    @Test
    void keepsItsOwnCopyOfTheIds() {
        int[] ids = {1, 2, 3, 4, 5};
        SlidingWindowDataset d = new SlidingWindowDataset(ids, 2, 1);
        ids[0] = 99;
        assertThat(d.input(0)).containsExactly(1, 2);
        d.input(0)[0] = 77;
        assertThat(d.input(0)).containsExactly(1, 2);
    }

    @Test
    void badArgumentsNameTheFieldAndTheRange() {
        int[] ids = {1, 2, 3, 4, 5};
        assertThatThrownBy(() -> new SlidingWindowDataset(ids, 0, 1)).hasMessage("maxLength must be >= 1, got 0");
        assertThatThrownBy(() -> new SlidingWindowDataset(ids, 2, 0)).hasMessage("stride must be >= 1, got 0");
        assertThatThrownBy(() -> new SlidingWindowDataset(ids, 5, 1))
                .hasMessageStartingWith("a window of maxLength 5 needs at least 6 tokens (the window and its target, shifted by one), got 5");
        assertThatThrownBy(() -> new SlidingWindowDataset(null, 2, 1)).hasMessageContaining("tokenIds");
    }
}
