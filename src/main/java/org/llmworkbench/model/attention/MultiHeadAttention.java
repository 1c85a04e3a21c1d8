package org.llmworkbench.model.attention;

import org.llmworkbench.model.TensorMemory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.io.StateDict;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Multi-head attention the efficient way: one projection of width d_out for all heads, split into
 * H heads of d_out/H by a reshape [B, T, H, D] and a transpose to [B, H, T, D], so all heads run in
 * one batched matrix product. A final linear layer (out_proj) mixes what the heads found. With
 * out_proj the identity and the heads' weights stacked, it computes exactly what
 * {@link MultiHeadAttentionWrapper} computes.
 */
public final class MultiHeadAttention extends AttentionModule {
    private static final String[] PROJECTIONS = {"W_query", "W_key", "W_value"};

    private final int dIn;
    private final int dOut;
    private final int numHeads;
    private final int headDim;
    private final int contextLength;
    private final boolean qkvBias;
    private final Dropout dropout;

    public MultiHeadAttention(NDManager parent, int dIn, int dOut, int contextLength, double dropoutRate,
                              int numHeads, boolean qkvBias, long seed) {
        super(parent);
        if (dIn < 1) throw new IllegalArgumentException("dIn = " + dIn + " must be >= 1");
        if (numHeads < 1) throw new IllegalArgumentException("numHeads = " + numHeads + " must be >= 1");
        if (dOut < 1 || dOut % numHeads != 0) {
            throw new IllegalArgumentException("dOut = " + dOut + " must be a positive multiple of numHeads = " + numHeads);
        }
        if (contextLength < 1) throw new IllegalArgumentException("contextLength = " + contextLength + " must be >= 1");
        this.dIn = dIn;
        this.dOut = dOut;
        this.numHeads = numHeads;
        this.headDim = dOut / numHeads;
        this.contextLength = contextLength;
        this.qkvBias = qkvBias;
        this.dropout = new Dropout(dropoutRate, seed ^ 0x5DEECE66DL);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (String p : PROJECTIONS) {
            setParameter(p + ".weight", uniformInit(rnd, dIn, dOut, dIn));
            if (qkvBias) setParameter(p + ".bias", uniformInit(rnd, dIn, dOut));
        }
        setParameter("out_proj.weight", uniformInit(rnd, dOut, dOut, dOut));
        setParameter("out_proj.bias", uniformInit(rnd, dOut, dOut));
    }

    /**
     * The batched module that reproduces a wrapper of stacked heads: head h's projection rows become
     * rows h·D..(h+1)·D of the fused projection, and out_proj is the identity with zero bias.
     */
    public static MultiHeadAttention fromHeads(NDManager parent, MultiHeadAttentionWrapper wrapper) {
        CausalSelfAttention first = wrapper.heads().get(0);
        int h = wrapper.heads().size();
        boolean bias = first.parameters().containsKey("W_query.bias");
        MultiHeadAttention mha = new MultiHeadAttention(parent, first.dIn(), first.dOut() * h, first.contextLength(),
                first.dropoutRate(), h, bias, 0);
        for (String p : PROJECTIONS) {
            for (String kind : bias ? new String[] {".weight", ".bias"} : new String[] {".weight"}) {
                NDList parts = new NDList();
                for (CausalSelfAttention head : wrapper.heads()) parts.add(head.parameters().get(p + kind));
                mha.setParameter(p + kind, NDArrays.concat(parts, 0));
            }
        }
        mha.setParameter("out_proj.weight", mha.manager.eye(mha.dOut));
        mha.setParameter("out_proj.bias", mha.manager.zeros(new Shape(mha.dOut)));
        mha.setTraining(wrapper.isTraining());
        return mha;
    }

    public int numHeads() {
        return numHeads;
    }

    public boolean qkvBias() {
        return qkvBias;
    }

    public int headDim() {
        return headDim;
    }

    /** Context [B, T, d_out] and weights [B, H, T, T]. */
    @Override
    protected Pass compute(NDArray x) {
        long b = x.getShape().get(0), t = x.getShape().get(1);
        if (t > contextLength) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds contextLength " + contextLength);
        }
        NDArray q = splitHeads(linear(x, parameter("W_query.weight"), parameter("W_query.bias")), b, t);
        NDArray k = splitHeads(linear(x, parameter("W_key.weight"), parameter("W_key.bias")), b, t);
        NDArray v = splitHeads(linear(x, parameter("W_value.weight"), parameter("W_value.bias")), b, t);
        NDArray scores = q.matMul(transposeLastTwo(k)).div(TensorMemory.scalar(q.getManager(), Math.sqrt(headDim)));
        NDArray w = CausalMask.apply(scores).softmax(-1);
        if (isTraining()) w = dropout.apply(w);
        NDArray context = w.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, dOut);
        return new Pass(linear(context, parameter("out_proj.weight"), parameter("out_proj.bias")), w);
    }

    // [B, T, H·D] → [B, H, T, D]: each head becomes its own batch of sequences.
    private NDArray splitHeads(NDArray a, long b, long t) {
        return a.reshape(b, t, numHeads, headDim).transpose(0, 2, 1, 3);
    }

    /** Parameters under {@code prefix} (e.g. {@code trf_blocks.0.att.}), in our state dict names. */
    public StateDict stateDict(String prefix) {
        StateDict sd = new StateDict();
        parameters().forEach((name, a) -> sd.put(NamedTensor.fromNDArray(prefix + name, a)));
        return sd;
    }

    /** Loads {@code prefix + name} for every parameter, checking each shape. */
    public void loadStateDict(StateDict sd, String prefix) {
        for (String name : parameters().keySet()) {
            NamedTensor t = sd.get(prefix + name);
            long[] expected = parameter(name).getShape().getShape();
            if (!Arrays.equals(t.shape(), expected)) {
                throw new IllegalArgumentException("tensor '" + prefix + name + "' has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(expected));
            }
            setParameter(name, t.toNDArray(manager));
        }
    }
}
