package org.llmworkbench.model.decode;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import org.llmworkbench.model.Decoder;
import org.llmworkbench.model.Dense;
import org.llmworkbench.model.Gelu;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.KvCache;
import org.llmworkbench.model.TransformerBlock;

import java.util.List;

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
 * pass up to float rounding (tests compare both, and the plain-Java reference).
 *
 * <p>Everything else (the prompt's prefill, steps that record gradients, other devices) goes through
 * the model's own forward pass. With one shard the step runs on the calling thread.
 */
public final class ShardedDecode implements Decoder {
    /** System property / environment variable that sets the number of shards; 1 keeps the step on the caller's thread. */
    public static final String PROPERTY = "workbench.decode.shards";
    public static final String ENV = "WORKBENCH_DECODE_SHARDS";

    private final GptModel model;
    private final int shards;
    private final NDManager views;
    private final Slice[][] slices; // [shard][layer]
    private final Dense[] head;     // [shard]: its rows of the output head
    private final NDArray scale;
    private final NDArray one;
    private final NDArray half;
    private final NDArray cubic;
    private final NDArray sqrtTwoOverPi;
    private final boolean exactGelu;

    /** One shard's rows of one block: heads [headFrom, headTo) and its share of every projection. */
    private record Slice(long headFrom, long headTo, Dense query, Dense key, Dense value, Dense out,
                         Dense expand, Dense project) {}

    /** The fastest decoder for this model: sharded on the CPU, the plain forward pass elsewhere. */
    public static Decoder forModel(GptModel model) {
        if (!Device.Type.CPU.equals(model.device().getDeviceType())) {
            return Decoder.plain(model);
        }
        return new ShardedDecode(model, shardCount(model.config()));
    }

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
            wanted = JniUtils.getNumThreads();
        }
        return Math.max(1, Math.min(wanted, config.nHeads()));
    }

    ShardedDecode(GptModel model, int shards) {
        this.model = model;
        this.shards = shards;
        GptConfig c = model.config();
        this.views = model.manager().newSubManager();
        this.exactGelu = c.activation() == GptConfig.Activation.GELU;
        long hd = c.headDim();
        long[] heads = split(c.nHeads(), shards);
        long[] emb = split(c.embDim(), shards);
        long[] hidden = split(4L * c.embDim(), shards);
        long[] vocab = split(c.vocabSize(), shards);
        List<TransformerBlock> blocks = model.blocks();
        slices = new Slice[shards][blocks.size()];
        head = new Dense[shards];
        for (int s = 0; s < shards; s++) {
            long q0 = heads[s] * hd;
            long q1 = heads[s + 1] * hd;
            for (int l = 0; l < blocks.size(); l++) {
                TransformerBlock b = blocks.get(l);
                slices[s][l] = new Slice(heads[s], heads[s + 1],
                        rows(b.attention().query(), q0, q1), rows(b.attention().key(), q0, q1),
                        rows(b.attention().value(), q0, q1), rows(b.attention().out(), emb[s], emb[s + 1]),
                        rows(b.feedForward().expand(), hidden[s], hidden[s + 1]),
                        rows(b.feedForward().project(), emb[s], emb[s + 1]));
            }
            head[s] = new Dense(rows(model.outHead(), vocab[s], vocab[s + 1]), null);
        }
        scale = views.create((float) (1.0 / Math.sqrt(hd)));
        one = views.create(1f);
        half = views.create(0.5f);
        cubic = views.create(Gelu.CUBIC);
        sqrtTwoOverPi = views.create(Gelu.SQRT_TWO_OVER_PI);
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

    private Dense rows(Dense dense, long from, long to) {
        return new Dense(rows(dense.weight(), from, to), rows(dense.bias(), from, to));
    }

    /** Rows [from, to) of a weight or bias, as a view sharing its storage (null stays null). */
    private NDArray rows(NDArray array, long from, long to) {
        return array == null ? null : array.get(views, new NDIndex().addSliceDim(from, to));
    }

    @Override
    public NDArray nextLogits(NDArray ids, KvCache cache) {
        int tokens = model.checkIds(ids, cache);
        if (tokens != 1 || cache == null || cache.length() == 0 || JniUtils.isGradMode()) {
            return model.forward(ids, cache, true);
        }
        NDArray x = model.embed(ids, cache.length());
        cache.reserve(ids.getShape().get(0), cache.length() + 1);
        NDArray logits = step(x, cache);
        cache.advance(1);
        return logits;
    }

    /**
     * @param x     embeddings of the new token(s) plus their positions, [batch, 1, embDim]; not modified
     * @param cache holds the earlier positions (at least one), its storage already allocated for this batch
     * @return logits [batch, 1, vocab], in {@code x}'s manager
     */
    private NDArray step(NDArray x, KvCache cache) {
        int position = cache.length();
        Exchange exchange = new Exchange(shards);
        if (shards == 1) {
            return shardStep(0, x, cache, position, exchange);
        }
        NDArray[] logits = new NDArray[shards];
        DecodeWorkers.run(shards, s -> logits[s] = shardStep(s, x, cache, position, exchange), exchange::abort);
        return NDArrays.concat(new NDList(logits), 2);
    }

    private NDArray shardStep(int s, NDArray input, KvCache cache, int position, Exchange exchange) {
        long batch = input.getShape().get(0);
        long hd = model.config().headDim();
        NDArray x = input;
        List<TransformerBlock> blocks = model.blocks();
        for (int l = 0; l < blocks.size(); l++) {
            Slice w = slices[s][l];
            TransformerBlock block = blocks.get(l);
            long heads = w.headTo() - w.headFrom();
            NDArray h = block.norm1().forward(x);
            NDArray q = applyDense(w.query(), h).reshape(batch, heads, 1, hd);
            NDArray k = applyDense(w.key(), h).reshape(batch, heads, 1, hd);
            NDArray v = applyDense(w.value(), h).reshape(batch, heads, 1, hd);
            KvCache.LayerCache layerCache = cache.layer(l);
            NDIndex slot = new NDIndex().addAllDim().addSliceDim(w.headFrom(), w.headTo()).addSliceDim(position, position + 1);
            layerCache.keyStorage().set(slot, k);
            layerCache.valueStorage().set(slot, v);
            NDIndex seen = new NDIndex().addAllDim().addSliceDim(w.headFrom(), w.headTo()).addSliceDim(0, position + 1);
            NDArray keys = layerCache.keyStorage().get(input.getManager(), seen);
            NDArray values = layerCache.valueStorage().get(input.getManager(), seen);
            NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2)).muli(scale);
            NDArray context = scores.softmax(-1).matMul(values).reshape(batch, 1, heads * hd);
            NDArray attended = applyDense(w.out(), exchange.gather(s, context));
            x = x.add(exchange.gather(s, attended)); // a new array: the input stays untouched for the other shards
            NDArray hidden = geluInPlace(applyDense(w.expand(), block.norm2().forward(x)));
            NDArray fed = applyDense(w.project(), exchange.gather(s, hidden));
            x.addi(exchange.gather(s, fed));
        }
        return applyDense(head[s], model.finalNorm().forward(x));
    }

    /**
     * {@code dense.forward(x)} for one new token: with a single row the product is a matrix-vector
     * product (BLAS gemv reads the weights once; a one-row gemm may first repack them, which OpenBLAS
     * does), the same numbers either way.
     */
    private static NDArray applyDense(Dense dense, NDArray x) {
        Shape shape = x.getShape();
        if (dense.adapter() != null || shape.size() != shape.get(shape.dimension() - 1)) return dense.forward(x);
        NDArray y = dense.weight().matMul(x.reshape(shape.size()));
        if (dense.bias() != null) y = y.addi(dense.bias());
        long[] out = shape.getShape().clone(); // getShape() is the Shape's own array
        out[out.length - 1] = dense.weight().getShape().get(0);
        return y.reshape(out);
    }

    /**
     * {@link Gelu}'s function: exact GELU is one native op; the tanh form is rearranged to reuse one
     * buffer, {@code 0.5 x (1 + tanh(sqrt(2/pi) x (1 + 0.044715 x^2)))}.
     */
    private NDArray geluInPlace(NDArray x) {
        if (exactGelu) return ai.djl.nn.Activation.gelu(x);
        NDArray inner = x.square().muli(cubic).addi(one).muli(x).muli(sqrtTwoOverPi);
        return inner.tanh().addi(one).muli(half).muli(x);
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
            if (slots[0].length == 1) return part;
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
