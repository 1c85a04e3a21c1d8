package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What every attention step shares: parameters live in the module's own manager; each forward pass
 * computes in a throw-away sub-scope so intermediates are freed at once; and the attention weights
 * of the last pass are kept (detached) so a notebook can draw them.
 *
 * <p>Inputs are {@code [T, d_in]} (one sequence) or {@code [B, T, d_in]} (a batch).
 */
public abstract class AttentionModule implements AutoCloseable {
    /** Result of one pass in the scope: the context vectors and the weights that produced them. */
    protected record Pass(NDArray context, NDArray weights) {}

    protected final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private NDArray lastWeights;
    private boolean training;

    protected AttentionModule(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    public final NDArray forward(NDArray x) {
        int rank = x.getShape().dimension();
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException("input must be [T, d_in] or [B, T, d_in], got " + x.getShape());
        }
        NDManager caller = x.getManager();
        try (NDManager scope = caller.newSubManager()) {
            x.tempAttach(scope);
            NDArray batch = rank == 2 ? x.expandDims(0) : x;
            Pass pass = compute(batch);
            NDArray context = rank == 2 ? pass.context().squeeze(0) : pass.context();
            NDArray weights = rank == 2 ? pass.weights().squeeze(0) : pass.weights();
            remember(weights.stopGradient());
            context.attach(caller);
            return context;
        }
    }

    /** One pass over {@code x: [B, T, d_in]}; every array it creates must derive from {@code x}. */
    protected abstract Pass compute(NDArray x);

    private void remember(NDArray weights) {
        if (lastWeights != null) lastWeights.close();
        weights.attach(manager);
        lastWeights = weights;
    }

    /**
     * The attention weights of the last forward pass: {@code [T, T]} per sequence (row = query,
     * column = key), with a head axis before them for multi-head modules.
     */
    public NDArray attentionWeights() {
        if (lastWeights == null) throw new IllegalStateException(getClass().getSimpleName() + ": call forward() before attentionWeights()");
        return lastWeights;
    }

    /** One {@code [T, T]} matrix of the last weights, chosen by the leading indices (batch, head). */
    public float[][] attentionMatrix(long... index) {
        NDArray w = attentionWeights();
        if (w.getShape().dimension() - index.length != 2) {
            throw new IllegalArgumentException("weights have shape " + w.getShape() + ": give "
                    + (w.getShape().dimension() - 2) + " leading indices, got " + index.length);
        }
        try (NDArray m = index.length == 0 ? w.duplicate() : w.get(index)) {
            return toMatrix(m);
        }
    }

    static float[][] toMatrix(NDArray m) {
        long[] s = m.getShape().getShape();
        float[] flat = m.toFloatArray();
        int rows = (int) s[0], cols = (int) s[1];
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) System.arraycopy(flat, r * cols, out[r], 0, cols);
        return out;
    }

    /** Dropout (where a module has it) is only applied in training mode; modules start in eval mode. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    public Map<String, NDArray> parameters() {
        return java.util.Collections.unmodifiableMap(parameters);
    }

    protected NDArray parameter(String name) {
        return parameters.get(name);
    }

    protected void setParameter(String name, NDArray value) {
        NDArray old = parameters.put(name, value);
        value.attach(manager);
        if (old != null && old != value) old.close();
    }

    // PyTorch's default for nn.Linear: uniform in ±1/√fan_in, here drawn from an explicit seed.
    protected NDArray uniformInit(SplittableRandom rnd, long fanIn, long... shape) {
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] data = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < data.length; i++) data[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        return manager.create(data, new Shape(shape));
    }

    /** {@code x · Wᵀ (+ b)} with W stored [out, in] like nn.Linear. */
    protected static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    }

    /** Swaps the last two axes: keys [.., T, d] → [.., d, T]. */
    protected static NDArray transposeLastTwo(NDArray a) {
        int n = a.getShape().dimension();
        return a.swapAxes(n - 2, n - 1);
    }

    @Override
    public void close() {
        manager.close();
    }
}
