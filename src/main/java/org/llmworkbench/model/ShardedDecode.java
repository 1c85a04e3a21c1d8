package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;

/**
 * One KV-cache decode step (a single new token per sequence) split across CPU worker threads, each
 * computing its own slice of every layer: a range of attention heads, a range of the out_proj and
 * feed-forward rows, a range of the vocabulary. This is tensor parallelism on one machine.
 *
 * <p>Why: decoding one token multiplies a vector by every weight matrix once, so it is bound by
 * memory bandwidth, and PyTorch's own intra-op threading of these matrix-vector products gained
 * nothing here (2 threads were slower than 1: ~15 vs ~19 GB/s). Two Java threads each reading half
 * of every matrix with one intra-op thread read ~1.9x as fast. Each shard reads only its rows of
 * each weight (row slices of PyTorch's [out, in] layout are contiguous views: no copies), writes
 * its heads' keys and values into the shared {@link KvCache}, and the shards meet at four points per
 * layer to concatenate the pieces every shard needs next. The result equals the ordinary forward
 * pass up to float rounding (tests compare both, and a plain-Java reference).
 *
 * <p>Only used for evaluation-mode steps on the CPU with at least two intra-op threads; see
 * {@link #shardCount(GptConfig)}.
 */
final class ShardedDecode implements AutoCloseable {
    /** System property / environment variable that sets the number of shards; 1 turns sharding off. */
    static final String PROPERTY = "workbench.decode.shards";
    static final String ENV = "WORKBENCH_DECODE_SHARDS";

    private final int shards;
    private final NDManager views;
    private final Layer[][] layers; // [shard][layer]
    private final NDArray[] head;  // [shard]
    private final GptModel model;

    private record Layer(long headFrom, long headTo,
                         NDArray wq, NDArray bq, NDArray wk, NDArray bk, NDArray wv, NDArray bv,
                         NDArray wo, NDArray bo, NDArray w1, NDArray b1, NDArray w2, NDArray b2) {}

    /**
     * How many shards a decode step of this config uses: {@value #PROPERTY} (or {@value #ENV}) when
     * set, otherwise the native intra-op thread count; never more than the number of heads.
     */
    static int shardCount(GptConfig config) {
        String setting = System.getProperty(PROPERTY);
        if (setting == null || setting.isBlank()) setting = System.getenv(ENV);
        int wanted;
        if (setting != null && !setting.isBlank()) {
            try {
                wanted = Integer.parseInt(setting.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PROPERTY + " must be a whole number of shards (1 = off), got '" + setting + "'");
            }
            if (wanted < 1) {
                throw new IllegalArgumentException(PROPERTY + " must be at least 1 (1 = off), got " + wanted);
            }
        } else {
            wanted = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        }
        return Math.max(1, Math.min(wanted, config.nHeads()));
    }

    ShardedDecode(GptModel model, int shards) {
        this.model = model;
        TransformerBlock[] blocks = model.blocks();
        this.shards = shards;
        GptConfig c = model.config();
        this.views = model.manager().newSubManager();
        long hd = c.headDim();
        long[] heads = split(c.nHeads(), shards);
        long[] emb = split(c.embDim(), shards);
        long[] hidden = split(4L * c.embDim(), shards);
        long[] vocab = split(c.vocabSize(), shards);
        layers = new Layer[shards][blocks.length];
        head = new NDArray[shards];
        for (int s = 0; s < shards; s++) {
            for (int l = 0; l < blocks.length; l++) {
                NDArray[] att = blocks[l].attention().weights();
                FeedForward ff = blocks[l].feedForward();
                long q0 = heads[s] * hd;
                long q1 = heads[s + 1] * hd;
                layers[s][l] = new Layer(heads[s], heads[s + 1],
                        rows(att[0], q0, q1), rows(att[1], q0, q1), rows(att[2], q0, q1), rows(att[3], q0, q1),
                        rows(att[4], q0, q1), rows(att[5], q0, q1),
                        rows(att[6], emb[s], emb[s + 1]), rows(att[7], emb[s], emb[s + 1]),
                        rows(ff.expandWeight(), hidden[s], hidden[s + 1]), rows(ff.expandBias(), hidden[s], hidden[s + 1]),
                        rows(ff.projectWeight(), emb[s], emb[s + 1]), rows(ff.projectBias(), emb[s], emb[s + 1]));
            }
            head[s] = rows(model.outHead(), vocab[s], vocab[s + 1]);
        }
    }

    int shards() {
        return shards;
    }

    /** {@code parts} near-equal ranges of [0, total): boundaries b[0]=0 … b[parts]=total. */
    static long[] split(long total, int parts) {
        long[] b = new long[parts + 1];
        for (int i = 0; i <= parts; i++) {
            b[i] = total * i / parts;
        }
        return b;
    }

    /** Rows [from, to) of a weight or bias, as a view sharing its storage (null stays null). */
    private NDArray rows(NDArray array, long from, long to) {
        return array == null ? null : array.get(views, new NDIndex().addSliceDim(from, to));
    }

    /**
     * @param x     embeddings of the new token(s) plus their positions, [batch, 1, embDim]; not modified
     * @param cache holds the earlier positions (at least one), its storage already allocated for this batch
     * @return logits [batch, 1, vocab], in {@code x}'s manager
     */
    NDArray step(NDArray x, KvCache cache) {
        NDArray[] logits = new NDArray[shards];
        Exchange exchange = new Exchange(shards);
        int position = cache.length();
        DecodeWorkers.run(shards, s -> logits[s] = shardStep(s, x, cache, position, exchange), exchange::abort);
        return NDArrays.concat(new NDList(logits), 2);
    }

    private NDArray shardStep(int s, NDArray input, KvCache cache, int position, Exchange exchange) {
        GptConfig c = model.config();
        long batch = input.getShape().get(0);
        long hd = c.headDim();
        NDArray x = input;
        TransformerBlock[] blocks = model.blocks();
        for (int l = 0; l < blocks.length; l++) {
            Layer w = layers[s][l];
            TransformerBlock block = blocks[l];
            long heads = w.headTo() - w.headFrom();
            NDArray h = block.norm1().forward(x);
            NDArray q = Linear.linear(h, w.wq(), w.bq()).singletonOrThrow().reshape(batch, heads, 1, hd);
            NDArray k = Linear.linear(h, w.wk(), w.bk()).singletonOrThrow().reshape(batch, heads, 1, hd);
            NDArray v = Linear.linear(h, w.wv(), w.bv()).singletonOrThrow().reshape(batch, heads, 1, hd);
            KvCache.LayerCache layerCache = cache.layer(l);
            NDIndex slot = new NDIndex().addAllDim().addSliceDim(w.headFrom(), w.headTo()).addSliceDim(position, position + 1);
            layerCache.keyStorage().set(slot, k);
            layerCache.valueStorage().set(slot, v);
            NDIndex seen = new NDIndex().addAllDim().addSliceDim(w.headFrom(), w.headTo()).addSliceDim(0, position + 1);
            NDArray keys = layerCache.keyStorage().get(input.getManager(), seen);
            NDArray values = layerCache.valueStorage().get(input.getManager(), seen);
            NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2)).muli(block.attention().scale());
            NDArray context = scores.softmax(-1).matMul(values).reshape(batch, 1, heads * hd);
            NDArray attended = Linear.linear(exchange.gather(s, context), w.wo(), w.bo()).singletonOrThrow();
            x = x.add(exchange.gather(s, attended)); // a new array: the input stays untouched for the other shards
            NDArray hidden = block.feedForward().gelu().forward(
                    Linear.linear(block.norm2().forward(x), w.w1(), w.b1()).singletonOrThrow(), true);
            NDArray fed = Linear.linear(exchange.gather(s, hidden), w.w2(), w.b2()).singletonOrThrow();
            x.addi(exchange.gather(s, fed));
        }
        return Linear.linear(model.finalNorm().forward(x), head[s], null).singletonOrThrow();
    }

    @Override
    public void close() {
        views.close();
    }

    /**
     * Where the shards swap their pieces: each puts its slice in a slot, waits for the others, and
     * concatenates all slices along the last axis. Two slot sets alternate, so a shard that runs ahead
     * to the next exchange never overwrites a slice another shard is still reading.
     */
    static final class Exchange {
        private final NDArray[][] slots;
        private final int[] rounds;
        private final SpinBarrier barrier;

        Exchange(int parties) {
            slots = new NDArray[2][parties];
            rounds = new int[parties];
            barrier = new SpinBarrier(parties);
        }

        NDArray gather(int shard, NDArray part) {
            NDArray[] set = slots[rounds[shard]++ & 1];
            set[shard] = part;
            barrier.await();
            return NDArrays.concat(new NDList(set), part.getShape().dimension() - 1);
        }

        void abort(Throwable cause) {
            barrier.breakWith(cause);
        }
    }
}
