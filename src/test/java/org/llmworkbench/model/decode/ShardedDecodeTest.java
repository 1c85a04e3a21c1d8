package org.llmworkbench.model.decode;

import org.llmworkbench.model.reference.ReferenceGpt;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.Generator;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.KvCache;
import org.llmworkbench.model.TestWeights;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decode step split across worker threads gives the ordinary forward pass's logits. */
class ShardedDecodeTest {

    @BeforeAll
    static void loadEngine() {
        ai.djl.engine.Engine.getEngine("PyTorch"); // the workers' JniUtils calls need the native library loaded
    }

    @AfterEach
    void clearSetting() {
        System.clearProperty(ShardedDecode.PROPERTY);
    }

    /**
     * Logits of every decoded position for batch rows {@code rows}, prefilling {@code prefill} tokens
     * first, with a cache that starts with room for 2 positions and so has to grow on the way.
     */
    private static float[][] decode(GptModel model, int[][] rows, int prefill, int shards) {
        int batch = rows.length;
        int length = rows[0].length;
        int vocab = model.config().vocabSize();
        float[][] out = new float[batch][(length - prefill) * vocab];
        try (KvCache cache = new KvCache(model, 2); NDManager step = model.manager().newSubManager();
             ShardedDecode decoder = new ShardedDecode(model, shards)) {
            decoder.nextLogits(ids(step, rows, 0, prefill), cache);
            for (int t = prefill; t < length; t++) {
                float[] logits = decoder.nextLogits(ids(step, rows, t, t + 1), cache).toFloatArray();
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(logits, b * vocab, out[b], (t - prefill) * vocab, vocab);
                }
            }
            assertThat(cache.length()).isEqualTo(length);
        }
        return out;
    }

    /** Columns [from, to) of every row, as ids [rows, to - from]. */
    private static NDArray ids(NDManager m, int[][] rows, int from, int to) {
        return TestWeights.ids(m, java.util.Arrays.stream(rows).map(r -> java.util.Arrays.copyOfRange(r, from, to)).toArray(int[][]::new));
    }

    @Test
    void everyShardCountGivesTheReferenceLogits() {
        // 4 heads: 2 shards split them evenly, 3 unevenly (1/1/2), 4 one each; a tied head and qkv bias too;
        // exact (erf) GELU as nanoGPT, whose reference differs from the tanh form by more than the tolerance
        GptConfig[] configs = {
                new GptConfig(61, 12, 16, 2, 4, 0.1, false, false),
                new GptConfig(50, 10, 24, 2, 4, 0.0, true, true),
                new GptConfig(37, 9, 18, 1, 3, 0.0, false, true),
                new GptConfig(43, 10, 16, 2, 4, 0.0, false, true, GptConfig.Activation.GELU)};
        Random r = new Random(11);
        for (GptConfig cfg : configs) {
            try (GptModel model = GptModel.create(cfg, 5)) {
                TestWeights.scaled(model, r);
                ReferenceGpt ref = TestWeights.reference(model);
                int[][] rows = new int[2][cfg.contextLength()];
                for (int[] row : rows) {
                    for (int t = 0; t < row.length; t++) row[t] = r.nextInt(cfg.vocabSize());
                }
                int prefill = 3;
                float[][] single = decode(model, rows, prefill, 1);
                for (int b = 0; b < rows.length; b++) {
                    double[][] expected = ref.logits(rows[b]);
                    for (int t = prefill; t < rows[b].length; t++) {
                        for (int j = 0; j < cfg.vocabSize(); j++) {
                            assertThat(Math.abs(expected[t][j] - single[b][(t - prefill) * cfg.vocabSize() + j]))
                                    .as("1 shard vs reference at %d, row %d, %s", t, b, cfg).isLessThan(1e-4);
                        }
                    }
                }
                for (int shards = 2; shards <= cfg.nHeads(); shards++) {
                    float[][] split = decode(model, rows, prefill, shards);
                    for (int b = 0; b < rows.length; b++) {
                        double[][] expected = ref.logits(rows[b]);
                        double maxRef = 0;
                        double maxSingle = 0;
                        for (int t = prefill; t < rows[b].length; t++) {
                            for (int j = 0; j < cfg.vocabSize(); j++) {
                                int at = (t - prefill) * cfg.vocabSize() + j;
                                maxRef = Math.max(maxRef, Math.abs(expected[t][j] - split[b][at]));
                                maxSingle = Math.max(maxSingle, Math.abs(single[b][at] - split[b][at]));
                            }
                        }
                        assertThat(maxRef).as("%d shards vs reference, row %d, %s", shards, b, cfg).isLessThan(1e-4);
                        assertThat(maxSingle).as("%d shards vs 1 shard, row %d, %s", shards, b, cfg).isLessThan(1e-5);
                    }
                }
            }
        }
    }

    @Test
    void shardedGenerationPicksTheSameTokensAsUnshardedAndAsWithoutCache() {
        GptConfig cfg = new GptConfig(97, 24, 32, 3, 4, 0.0, false, false);
        try (GptModel model = GptModel.create(cfg, 9)) {
            int[] prompt = {5, 17, 42};
            GenerationConfig greedy = GenerationConfig.greedy(30);
            System.setProperty(ShardedDecode.PROPERTY, "2");
            int[] sharded = Generator.generate(model, prompt, greedy).newTokens();
            System.setProperty(ShardedDecode.PROPERTY, "1");
            int[] plain = Generator.generate(model, prompt, greedy).newTokens();
            int[] noCache = Generator.generate(model, prompt, greedy.withKvCache(false)).newTokens();
            assertThat(sharded).hasSize(30).containsExactly(plain);
            assertThat(sharded).containsExactly(noCache);
        }
    }

    @Test
    void shardCountComesFromTheSettingAndNeverExceedsTheHeads() {
        GptConfig cfg = new GptConfig(10, 8, 16, 1, 4, 0.0, false, false);
        System.setProperty(ShardedDecode.PROPERTY, "3");
        assertThat(ShardedDecode.shardCount(cfg)).isEqualTo(3);
        System.setProperty(ShardedDecode.PROPERTY, "64");
        assertThat(ShardedDecode.shardCount(cfg)).isEqualTo(4);
        System.setProperty(ShardedDecode.PROPERTY, "0");
        assertThatThrownBy(() -> ShardedDecode.shardCount(cfg))
                .hasMessageContaining("workbench.decode.shards").hasMessageContaining("at least 1");
        System.setProperty(ShardedDecode.PROPERTY, "two");
        assertThatThrownBy(() -> ShardedDecode.shardCount(cfg))
                .hasMessageContaining("workbench.decode.shards").hasMessageContaining("'two'");
        assertThat(ShardedDecode.split(10, 3)).containsExactly(0, 3, 6, 10);
        assertThat(ShardedDecode.split(50257, 2)).containsExactly(0, 25128, 50257);
    }

    @Test
    void aFailingShardReleasesTheOthersAndItsErrorReachesTheCaller() throws Exception {
        SpinBarrier barrier = new SpinBarrier(2);
        CompletableFuture<Throwable> caught = CompletableFuture.supplyAsync(() -> {
            try {
                DecodeWorkers.run(2, s -> {
                    if (s == 1) throw new IllegalStateException("shard 1 broke");
                    barrier.await(); // would wait forever for shard 1 without the abort
                }, barrier::breakWith);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Throwable t = caught.get(30, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("shard 1 broke");
        // the workers survive a failed step
        int[] seen = new int[3];
        DecodeWorkers.run(3, s -> seen[s] = s + 1, e -> { });
        assertThat(seen).containsExactly(1, 2, 3);
    }

    @Test
    void workersRunWithOneNativeThreadAndLeaveTheCallersCountAlone() {
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        int[] inWorker = new int[2];
        DecodeWorkers.run(2, s -> inWorker[s] = ai.djl.pytorch.jni.JniUtils.getNumThreads(), e -> { });
        assertThat(inWorker).containsExactly(1, 1);
        assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).isEqualTo(before);
    }
}
