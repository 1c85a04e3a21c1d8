package org.llmworkbench.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A GPT: token ids → token embeddings + position embeddings → dropout → {@code nLayers}
 * {@link TransformerBlock}s → final {@link LayerNorm} → output head → one logit per vocabulary entry
 * for every position.
 *
 * <p>Every parameter is an NDArray in the model's own NDManager with gradients enabled, named as in
 * the book's PyTorch code ({@code tok_emb.weight}, {@code trf_blocks.0.att.W_query.weight}, …) and
 * stored in PyTorch's layout (Linear weights are [out, in]), so {@link #stateDict()} can be written,
 * read and mapped from Hugging Face checkpoints without reshuffling. The forward pass works inside a
 * DJL {@code GradientCollector}; pass {@code training=true} there to enable dropout.
 *
 * <p>Arrays a forward pass creates belong to the manager of the token-id array passed in, so callers
 * open a sub-manager per step ({@code model.manager().newSubManager()}), create the ids there and
 * close it afterwards; nothing is left behind in the model's manager.
 */
public final class GptModel implements AutoCloseable {
    /** Standard deviation of the initial weights, as in GPT-2. */
    public static final float INIT_STD = 0.02f;

    static {
        NativeThreads.preferPassiveWaiting();
    }

    private final GptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final NDArray tokEmb;
    private final NDArray posEmb;
    private final TransformerBlock[] blocks;
    private final LayerNorm finalNorm;
    private final NDArray outHead;
    private final NDArray causalMask;
    private ShardedDecode sharded;

    /** A freshly initialized model on the CPU; the same seed gives the same weights. */
    public static GptModel create(GptConfig config, long seed) {
        return create(config, seed, Device.cpu());
    }

    public static GptModel create(GptConfig config, long seed, Device device) {
        return new GptModel(config, seed, NDManager.newBaseManager(device));
    }

    private GptModel(GptConfig config, long seed, NDManager manager) {
        this.config = config;
        this.manager = manager;
        // DJL draws random numbers from the engine's generator: seed it, then create in a fixed order.
        Engine.getEngine("PyTorch").setRandomSeed((int) (seed ^ (seed >>> 32)));
        long v = config.vocabSize();
        long c = config.contextLength();
        long e = config.embDim();
        tokEmb = normal("tok_emb.weight", v, e);
        posEmb = normal("pos_emb.weight", c, e);
        Gelu gelu = new Gelu(manager);
        blocks = new TransformerBlock[config.nLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "trf_blocks." + i + ".";
            LayerNorm norm1 = new LayerNorm(ones(p + "norm1.scale", e), zeros(p + "norm1.shift", e));
            NDArray wq = normal(p + "att.W_query.weight", e, e);
            NDArray bq = config.qkvBias() ? zeros(p + "att.W_query.bias", e) : null;
            NDArray wk = normal(p + "att.W_key.weight", e, e);
            NDArray bk = config.qkvBias() ? zeros(p + "att.W_key.bias", e) : null;
            NDArray wv = normal(p + "att.W_value.weight", e, e);
            NDArray bv = config.qkvBias() ? zeros(p + "att.W_value.bias", e) : null;
            NDArray wo = normal(p + "att.out_proj.weight", e, e);
            NDArray bo = zeros(p + "att.out_proj.bias", e);
            GptAttention att = new GptAttention(config, manager, wq, bq, wk, bk, wv, bv, wo, bo);
            LayerNorm norm2 = new LayerNorm(ones(p + "norm2.scale", e), zeros(p + "norm2.shift", e));
            FeedForward ff = new FeedForward(
                    normal(p + "ff.layers.0.weight", 4 * e, e), zeros(p + "ff.layers.0.bias", 4 * e),
                    normal(p + "ff.layers.2.weight", e, 4 * e), zeros(p + "ff.layers.2.bias", e), gelu);
            blocks[i] = new TransformerBlock(norm1, att, norm2, ff, config.dropRate());
        }
        finalNorm = new LayerNorm(ones("final_norm.scale", e), zeros("final_norm.shift", e));
        outHead = config.tiedHead() ? tokEmb : normal("out_head.weight", v, e);
        causalMask = buildCausalMask(manager, config.contextLength());
    }

    /** [C, C]: 0 on and below the diagonal, -inf above it (a query never sees later keys). */
    private static NDArray buildCausalMask(NDManager manager, int context) {
        float[] mask = new float[context * context];
        for (int row = 0; row < context; row++) {
            Arrays.fill(mask, row * context + row + 1, (row + 1) * context, Float.NEGATIVE_INFINITY);
        }
        return manager.create(mask, new Shape(context, context));
    }

    private NDArray normal(String name, long... shape) {
        return register(name, manager.randomNormal(0f, INIT_STD, new Shape(shape), DataType.FLOAT32));
    }

    private NDArray zeros(String name, long... shape) {
        return register(name, manager.zeros(new Shape(shape), DataType.FLOAT32));
    }

    private NDArray ones(String name, long... shape) {
        return register(name, manager.ones(new Shape(shape), DataType.FLOAT32));
    }

    private NDArray register(String name, NDArray array) {
        array.setName(name);
        array.setRequiresGradient(true);
        parameters.put(name, array);
        return array;
    }

    public GptConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Logits [batch, tokens, vocab] for token ids [batch, tokens], evaluation mode (no dropout). */
    public NDArray forward(NDArray tokenIds) {
        return forward(tokenIds, false);
    }

    /** Logits [batch, tokens, vocab]; {@code training} turns dropout on. */
    public NDArray forward(NDArray tokenIds, boolean training) {
        return forward(tokenIds, null, false, training);
    }

    /**
     * Evaluation-mode forward pass that continues a {@link KvCache}: the ids are placed at positions
     * {@code cache.length() …}, their keys and values are appended to the cache. With
     * {@code lastPositionOnly} the head runs only on the last position (what generation needs),
     * giving logits [batch, 1, vocab]. With a null cache this is a plain evaluation pass from
     * position 0.
     */
    public NDArray forward(NDArray tokenIds, KvCache cache, boolean lastPositionOnly) {
        return forward(tokenIds, cache, lastPositionOnly, false);
    }

    private NDArray forward(NDArray tokenIds, KvCache cache, boolean lastPositionOnly, boolean training) {
        Shape shape = tokenIds.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, tokens], got shape " + shape);
        }
        int tokens = Math.toIntExact(shape.get(1));
        int offset = cache == null ? 0 : cache.length();
        if (tokens < 1 || offset + tokens > config.contextLength()) {
            throw new IllegalArgumentException("cannot place " + tokens + " tokens at position " + offset
                    + ": the model's contextLength is " + config.contextLength()
                    + "; truncate the input or slide the window");
        }
        NDManager scope = tokenIds.getManager();
        NDArray ids = tokenIds.getDataType() == DataType.INT64 ? tokenIds : tokenIds.toType(DataType.INT64, false);
        // Without gradient recording, intermediate arrays may be updated in place: fewer allocations.
        boolean inPlace = !training && !JniUtils.isGradMode();
        NDArray x = ids.getNDArrayInternal().embedding(ids, tokEmb, SparseFormat.DENSE).singletonOrThrow();
        NDArray positions = posEmb.get(scope, new NDIndex("{}:{}", offset, offset + tokens));
        x = inPlace ? x.addi(positions) : x.add(positions);
        if (training && config.dropRate() > 0) {
            x = Dropout.dropout(x, (float) config.dropRate(), true).singletonOrThrow();
        }
        if (tokens == 1 && cache != null && cache.length() > 0 && inPlace && Device.Type.CPU.equals(manager.getDevice().getDeviceType())) {
            ShardedDecode sharded = sharded();
            if (sharded != null) {
                cache.reserve(shape.get(0), cache.length() + 1);
                NDArray logits = sharded.step(x, cache);
                cache.advance(1);
                return logits;
            }
        }
        NDArray mask = tokens == 1 && cache != null ? null
                : causalMask.get(scope, new NDIndex("{}:{}, :{}", offset, offset + tokens, offset + tokens));
        for (int i = 0; i < blocks.length; i++) {
            x = blocks[i].forward(x, mask, cache == null ? null : cache.layer(i), training, inPlace);
        }
        if (cache != null) {
            cache.advance(tokens);
        }
        if (lastPositionOnly && tokens > 1) {
            x = x.get(new NDIndex(":, {}:, :", tokens - 1));
        }
        return Linear.linear(finalNorm.forward(x), outHead, null).singletonOrThrow();
    }

    /** The decode step split across threads, or null when it would use one shard (see {@link ShardedDecode}). */
    private synchronized ShardedDecode sharded() {
        int shards = ShardedDecode.shardCount(config);
        if (sharded != null && sharded.shards() != shards) {
            sharded.close();
            sharded = null;
        }
        if (sharded == null && shards > 1) {
            sharded = new ShardedDecode(this, shards);
        }
        return sharded;
    }

    TransformerBlock[] blocks() {
        return blocks;
    }

    LayerNorm finalNorm() {
        return finalNorm;
    }

    NDArray outHead() {
        return outHead;
    }

    /** The trainable parameters by state-dict name, in creation order (live arrays, not copies). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Same as {@link #parameters()}: names and layout of the book's PyTorch {@code state_dict()}. */
    public Map<String, NDArray> stateDict() {
        return parameters();
    }

    /** Total number of trainable values (the tied head is counted once). */
    public long parameterCount() {
        long total = 0;
        for (NDArray p : parameters.values()) {
            total += p.getShape().size();
        }
        return total;
    }

    /**
     * Copies weights into the model. Values are {@link NDArray}s or {@link TensorData}; names and
     * shapes must match {@link #stateDict()} exactly (every parameter present, nothing extra).
     */
    public void loadStateDict(Map<String, ?> state) {
        List<String> missing = new ArrayList<>();
        for (String name : parameters.keySet()) {
            if (!state.containsKey(name)) missing.add(name);
        }
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(parameters.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder msg = new StringBuilder("state dict does not fit this model (" + describe() + ")");
            if (!missing.isEmpty()) msg.append("; missing: ").append(abbreviate(missing));
            if (!unexpected.isEmpty()) msg.append("; unexpected: ").append(abbreviate(new ArrayList<>(unexpected)));
            if (unexpected.contains("out_head.weight") && config.tiedHead()) {
                msg.append(" (this model ties out_head to tok_emb.weight: build it with tiedHead=false)");
            }
            throw new IllegalArgumentException(msg.toString());
        }
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            String name = entry.getKey();
            NDArray target = entry.getValue();
            Object value = state.get(name);
            if (value instanceof TensorData t) {
                checkShape(name, target.getShape(), new Shape(t.shape()));
                target.set(t.data());
            } else if (value instanceof NDArray a) {
                checkShape(name, target.getShape(), a.getShape());
                NDArray source = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
                ByteBuffer bytes = source.toByteBuffer();
                if (source != a) source.close();
                target.set(bytes);
            } else {
                throw new IllegalArgumentException("state dict entry '" + name + "' is a "
                        + (value == null ? "null" : value.getClass().getName()) + "; expected NDArray or TensorData");
            }
        }
    }

    private static void checkShape(String name, Shape expected, Shape actual) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + actual + " but the model expects "
                    + expected + "; check that the config (embDim, nLayers, vocabSize, contextLength) matches the weights");
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }

    private String describe() {
        return config.nLayers() + " layers, embDim " + config.embDim() + ", qkvBias " + config.qkvBias()
                + ", tiedHead " + config.tiedHead();
    }

    @Override
    public synchronized void close() {
        if (sharded != null) {
            sharded.close();
            sharded = null;
        }
        manager.close();
    }
}
