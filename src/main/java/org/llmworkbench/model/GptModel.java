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
import org.llmworkbench.model.attention.CausalMask;
import org.llmworkbench.model.io.NamedTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        Devices.prepareEngine(); // before the first tensor exists
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
        long e = config.embDim();
        tokEmb = normal("tok_emb.weight", v, e);
        posEmb = normal("pos_emb.weight", config.contextLength(), e);
        Gelu gelu = new Gelu(manager);
        blocks = new TransformerBlock[config.nLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "trf_blocks." + i + ".";
            LayerNorm norm1 = layerNorm(p + "norm1", e);
            GptAttention att = new GptAttention(config,
                    dense(p + "att.W_query", e, e, config.qkvBias()), dense(p + "att.W_key", e, e, config.qkvBias()),
                    dense(p + "att.W_value", e, e, config.qkvBias()), dense(p + "att.out_proj", e, e, true));
            LayerNorm norm2 = layerNorm(p + "norm2", e);
            FeedForward ff = new FeedForward(dense(p + "ff.layers.0", e, 4 * e, true),
                    dense(p + "ff.layers.2", 4 * e, e, true), gelu);
            blocks[i] = new TransformerBlock(norm1, att, norm2, ff, config.dropRate());
        }
        finalNorm = layerNorm("final_norm", e);
        outHead = config.tiedHead() ? tokEmb : normal("out_head.weight", v, e);
        causalMask = CausalMask.additive(manager, config.contextLength());
    }

    private Dense dense(String name, long in, long out, boolean bias) {
        return new Dense(normal(name + ".weight", out, in), bias ? zeros(name + ".bias", out) : null);
    }

    private LayerNorm layerNorm(String name, long width) {
        return new LayerNorm(register(name + ".scale", manager.ones(new Shape(width), DataType.FLOAT32)),
                zeros(name + ".shift", width));
    }

    private NDArray normal(String name, long... shape) {
        return register(name, manager.randomNormal(0f, INIT_STD, new Shape(shape), DataType.FLOAT32));
    }

    private NDArray zeros(String name, long... shape) {
        return register(name, manager.zeros(new Shape(shape), DataType.FLOAT32));
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
        int tokens = checkIds(tokenIds, cache);
        int offset = cache == null ? 0 : cache.length();
        NDArray x = embed(tokenIds, offset);
        if (training && config.dropRate() > 0) {
            x = Dropout.dropout(x, (float) config.dropRate(), true).singletonOrThrow();
        }
        // One new token against its cache may see every stored key: no mask needed.
        NDArray mask = tokens == 1 && cache != null ? null
                : causalMask.get(tokenIds.getManager(), new NDIndex("{}:{}, :{}", offset, offset + tokens, offset + tokens));
        for (int i = 0; i < blocks.length; i++) {
            x = blocks[i].forward(x, mask, cache == null ? null : cache.layer(i), training);
        }
        if (cache != null) {
            cache.advance(tokens);
        }
        if (lastPositionOnly && tokens > 1) {
            x = x.get(new NDIndex(":, {}:, :", tokens - 1));
        }
        return Linear.linear(finalNorm.forward(x), outHead, null).singletonOrThrow();
    }

    /** The number of tokens per row; fails unless the ids are [batch, tokens] and fit after the cache. */
    public int checkIds(NDArray tokenIds, KvCache cache) {
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
        return tokens;
    }

    /** Token embeddings plus the position embeddings of positions {@code offset …}: [batch, tokens, embDim]. */
    public NDArray embed(NDArray tokenIds, int offset) {
        NDArray ids = tokenIds.getDataType() == DataType.INT64 ? tokenIds : tokenIds.toType(DataType.INT64, false);
        NDArray x = ids.getNDArrayInternal().embedding(ids, tokEmb, SparseFormat.DENSE).singletonOrThrow();
        long tokens = ids.getShape().get(1);
        return x.add(posEmb.get(tokenIds.getManager(), new NDIndex("{}:{}", offset, offset + tokens)));
    }

    /** The blocks in order (their weights are the live parameters). */
    public List<TransformerBlock> blocks() {
        return List.of(blocks);
    }

    public LayerNorm finalNorm() {
        return finalNorm;
    }

    /** [vocab, embDim]: the token embedding itself when the head is tied. */
    public NDArray outHead() {
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
     * Copies weights into the model. Values are {@link NDArray}s or {@link NamedTensor}s; names and
     * shapes must match {@link #stateDict()} exactly (every parameter present, nothing extra).
     */
    public void loadStateDict(Map<String, ?> state) {
        StateDictLoader.load(this, parameters, state);
    }

    @Override
    public void close() {
        manager.close();
    }
}
