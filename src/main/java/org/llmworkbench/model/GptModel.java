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

import java.util.List;
import java.util.Map;

/**
 * A GPT: token ids → token + position embeddings → dropout → {@code nLayers} {@link TransformerBlock}s
 * → final {@link LayerNorm} → output head → one logit per vocabulary entry at every position.
 *
 * <p>Parameters are named and laid out as in the book's PyTorch code ({@code tok_emb.weight},
 * {@code trf_blocks.0.att.W_query.weight}, Linear weights [out, in]); see {@link GptParameters}.
 * Arrays a forward pass creates belong to the manager of the token ids, so callers open a
 * sub-manager per step ({@code model.manager().newSubManager()}) and close it afterwards.
 */
public final class GptModel implements AutoCloseable {
    static {
        Devices.prepareEngine(); // before the first tensor exists
    }

    private final GptConfig config;
    private final NDManager manager;
    private final GptParameters parameters;
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
        GptParameters p = parameters = new GptParameters(manager);
        long e = config.embDim();
        boolean qkvBias = config.qkvBias();
        tokEmb = p.normal("tok_emb.weight", config.vocabSize(), e);
        posEmb = p.normal("pos_emb.weight", config.contextLength(), e);
        Gelu gelu = new Gelu(manager, config.activation());
        blocks = new TransformerBlock[config.nLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String b = "trf_blocks." + i + ".";  // created in the book's order, which fixes the random draws
            LayerNorm norm1 = p.layerNorm(b + "norm1", e);
            GptAttention att = new GptAttention(config, p.dense(b + "att.W_query", e, e, qkvBias),
                    p.dense(b + "att.W_key", e, e, qkvBias), p.dense(b + "att.W_value", e, e, qkvBias),
                    p.dense(b + "att.out_proj", e, e, true));
            LayerNorm norm2 = p.layerNorm(b + "norm2", e);
            FeedForward ff = new FeedForward(p.dense(b + "ff.layers.0", e, 4 * e, true),
                    p.dense(b + "ff.layers.2", 4 * e, e, true), gelu);
            blocks[i] = new TransformerBlock(norm1, att, norm2, ff, config.dropRate());
        }
        finalNorm = p.layerNorm("final_norm", e);
        outHead = config.tiedHead() ? tokEmb : p.normal("out_head.weight", config.vocabSize(), e);
        causalMask = CausalMask.additive(manager, config.contextLength());
    }

    /** Logits [batch, tokens, vocab] for token ids [batch, tokens], evaluation mode (no dropout). */
    public NDArray forward(NDArray tokenIds) {
        return forward(tokenIds, false);
    }

    /** Logits [batch, tokens, vocab]; {@code training} turns dropout on. */
    public NDArray forward(NDArray tokenIds, boolean training) {
        return Linear.linear(finalNorm.forward(residualStream(tokenIds, null, training)), outHead, null).singletonOrThrow();
    }

    /**
     * Evaluation pass that continues a {@link KvCache} (null: start at position 0): the ids go to
     * positions {@code cache.length() …} and their keys and values are appended. With
     * {@code lastPositionOnly} the head runs on the last position alone: logits [batch, 1, vocab].
     */
    public NDArray forward(NDArray tokenIds, KvCache cache, boolean lastPositionOnly) {
        NDArray x = residualStream(tokenIds, cache, false);
        long tokens = x.getShape().get(1);
        if (lastPositionOnly && tokens > 1) {
            x = x.get(new NDIndex(":, {}:, :", tokens - 1));
        }
        return Linear.linear(finalNorm.forward(x), outHead, null).singletonOrThrow();
    }

    /** The final normalized hidden states [batch, tokens, embDim], what a classification head reads. */
    public NDArray hidden(NDArray tokenIds, boolean training) {
        return finalNorm.forward(residualStream(tokenIds, null, training));
    }

    /** Embeddings, dropout and every block: the residual stream [batch, tokens, embDim] before the final norm. */
    private NDArray residualStream(NDArray tokenIds, KvCache cache, boolean training) {
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
        return x;
    }

    /** Token embeddings plus the position embeddings of positions {@code offset …}: [batch, tokens, embDim]. */
    public NDArray embed(NDArray tokenIds, int offset) {
        NDArray ids = tokenIds.getDataType() == DataType.INT64 ? tokenIds : tokenIds.toType(DataType.INT64, false);
        NDArray x = ids.getNDArrayInternal().embedding(ids, tokEmb, SparseFormat.DENSE).singletonOrThrow();
        long tokens = ids.getShape().get(1);
        return x.add(posEmb.get(tokenIds.getManager(), new NDIndex("{}:{}", offset, offset + tokens)));
    }

    /** The number of tokens per row; fails unless the ids are [batch, tokens] and fit after the cache. */
    public int checkIds(NDArray tokenIds, KvCache cache) {
        requireOpen();
        Shape shape = tokenIds.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, tokens], got shape " + shape);
        }
        int tokens = Math.toIntExact(shape.get(1));
        int offset = cache == null ? 0 : cache.length();
        if (tokens < 1 || offset + tokens > config.contextLength()) {
            throw new IllegalArgumentException("cannot place " + tokens + " tokens at position " + offset
                    + ": the model's contextLength is " + config.contextLength() + "; truncate the input or slide the window");
        }
        return tokens;
    }

    public GptConfig config() { return config; }
    public NDManager manager() { return manager; }
    public Device device() { return manager.getDevice(); }
    /** The blocks in order (their weights are the live parameters). */
    public List<TransformerBlock> blocks() { return List.of(blocks); }
    public LayerNorm finalNorm() { return finalNorm; }
    /** [vocab, embDim]: the token embedding itself when the head is tied. */
    public NDArray outHead() { return outHead; }
    /** The trainable parameters by state-dict name, in creation order (live arrays, not copies). */
    public Map<String, NDArray> parameters() { return parameters.asMap(); }
    /** Same as {@link #parameters()}: names and layout of the book's PyTorch {@code state_dict()}. */
    public Map<String, NDArray> stateDict() { return parameters.asMap(); }
    /** Total number of trainable values (the tied head is counted once). */
    public long parameterCount() { return parameters.count(); }

    /** Copies weights (NDArrays or NamedTensors) whose names and shapes match {@link #stateDict()} exactly. */
    public void loadStateDict(Map<String, ?> state) {
        StateDictLoader.load(config, parameters.asMap(), state);
    }

    /** Fails, saying so, once the model is closed (its weights are freed): DJL alone only says a manager was closed. */
    public void requireOpen() {
        if (!manager.isOpen()) {
            throw new IllegalStateException("this GptModel was closed (model.close(), or the end of a try-with-resources "
                    + "block): its weights are freed; create or load the model again");
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
