package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.llmworkbench.model.TensorMemory;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's {@code torch.optim.AdamW}:
 *
 * <pre>
 *   p ← p · (1 − lr · wd)                       (decay, only for parameters in the decay group)
 *   m ← β1 · m + (1 − β1) · g
 *   v ← β2 · v + (1 − β2) · g²
 *   p ← p − lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 *
 * <p>The moments live next to the parameters, in the model's manager, and every update happens in
 * place. On the CPU one pass per parameter reads p, g, m, v and writes p, m, v through the tensors'
 * own memory ({@link ElementwiseKernels}), with no temporaries; elsewhere DJL's fused native update
 * is used.
 */
public final class AdamW implements AutoCloseable {

    /** Which parameters get weight decay. */
    public enum DecayPolicy {
        /** Weight matrices only; no decay on biases, norm scales/shifts or embeddings (minGPT's rule). */
        MATRICES,
        /** Every tensor with two or more axes: weight matrices and embeddings; not biases or norms (nanoGPT's rule). */
        MATRICES_AND_EMBEDDINGS,
        /** Every parameter (PyTorch's default for a plain {@code AdamW(model.parameters())}, the book's setting). */
        ALL;

        public boolean decays(String name, NDArray p) {
            return switch (this) {
                case ALL -> true;
                case MATRICES_AND_EMBEDDINGS -> p.getShape().dimension() >= 2;
                case MATRICES -> p.getShape().dimension() >= 2 && !name.contains("emb");
            };
        }
    }

    public record Settings(double beta1, double beta2, double eps, double weightDecay, DecayPolicy decay) {
        public Settings {
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
            if (decay == null) throw new IllegalArgumentException("decay policy is required (MATRICES or ALL)");
        }

        /** PyTorch's defaults with the given weight decay. */
        public static Settings of(double weightDecay, DecayPolicy decay) {
            return new Settings(0.9, 0.999, 1e-8, weightDecay, decay);
        }
    }

    private final Settings settings;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final List<String> decayed = new ArrayList<>();
    /** Whether every parameter and moment is a CPU tensor that {@link ElementwiseKernels} updates in place. */
    private final boolean inPlace;
    private long step;

    /** @param parameters the trainable parameters by name (live arrays with gradients attached) */
    public AdamW(Map<String, NDArray> parameters, Settings settings) {
        this(parameters, settings, true);
    }

    /** @param allowInPlace false: always DJL's native update (tests compare the two paths) */
    AdamW(Map<String, NDArray> parameters, Settings settings, boolean allowInPlace) {
        if (parameters.isEmpty()) throw new IllegalArgumentException("no trainable parameters given to AdamW");
        this.settings = settings;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        parameters.forEach((name, p) -> {
            NDManager manager = p.getManager();
            m.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
            v.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
            if (settings.decay().decays(name, p)) decayed.add(name);
        });
        boolean all = allowInPlace;
        for (String name : this.parameters.keySet()) {
            all = all && TensorMemory.writesThrough(this.parameters.get(name))
                    && TensorMemory.writesThrough(m.get(name)) && TensorMemory.writesThrough(v.get(name));
        }
        this.inPlace = all;
    }

    public Settings settings() {
        return settings;
    }

    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Names of the parameters that get weight decay. */
    public List<String> decayed() {
        return Collections.unmodifiableList(decayed);
    }

    /** Whether steps update the CPU memory of parameters and moments in one Java pass (else DJL's native update). */
    public boolean updatesInPlace() {
        return inPlace;
    }

    /** Optimizer steps taken so far (the t of the bias corrections). */
    public long stepCount() {
        return step;
    }

    /** One update of every parameter from its accumulated gradient, at learning rate {@code lr}. */
    public void step(double lr) {
        step(lr, 1.0);
    }

    /**
     * One update of every parameter from its accumulated gradient times {@code gradScale} (the
     * coefficient of global-norm clipping: scaling inside the update saves a pass over the gradients).
     */
    public void step(double lr, double gradScale) {
        step++;
        double c1 = 1 - Math.pow(settings.beta1(), step);
        double c2 = Math.sqrt(1 - Math.pow(settings.beta2(), step));
        int threads = threads();
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            String name = entry.getKey();
            NDArray p = entry.getValue();
            double keep = settings.weightDecay() > 0 && decayed.contains(name) ? 1 - lr * settings.weightDecay() : 1;
            try (NDArray g = p.getGradient()) {
                FloatBuffer gradient = inPlace ? TensorMemory.floats(g) : null;
                if (gradient != null) {
                    ElementwiseKernels.adamw(TensorMemory.floats(p), gradient, TensorMemory.floats(m.get(name)),
                            TensorMemory.floats(v.get(name)), gradScale, keep, settings.beta1(), settings.beta2(),
                            lr / c1, c2, settings.eps(), threads);
                } else {
                    nativeStep(p, g, m.get(name), v.get(name), lr, gradScale, keep, c1, c2);
                }
            }
        }
    }

    /** The same update through DJL's fused native op (GPU tensors, or memory a buffer cannot reach). */
    private void nativeStep(NDArray p, NDArray g, NDArray mean, NDArray variance, double lr, double gradScale,
                            double keep, double c1, double c2) {
        // the native update computes p -= a · m / (√v + e); choose a and e so that this is PyTorch's formula
        float a = (float) (lr * c2 / c1);
        float e = (float) (settings.eps() * c2);
        if (keep != 1) p.muli((float) keep);
        JniUtils.adamUpdate((PtNDArray) p, (PtNDArray) g, (PtNDArray) mean, (PtNDArray) variance,
                a, a, 0f, (float) gradScale, -1f, (float) settings.beta1(), (float) settings.beta2(), e, true);
    }

    /** The L2 norm of all gradients together, as {@link GradientClipping#globalNorm} computes it. */
    public double gradientNorm() {
        if (!inPlace) {
            try (NDManager scope = parameters.values().iterator().next().getManager().newSubManager()) {
                return GradientClipping.globalNorm(parameters.values(), scope);
            }
        }
        FloatBuffer[] gradients = new FloatBuffer[parameters.size()];
        int i = 0;
        List<NDArray> opened = new ArrayList<>();
        try {
            for (NDArray p : parameters.values()) {
                NDArray g = p.getGradient();
                opened.add(g);
                gradients[i] = TensorMemory.floats(g);
                if (gradients[i] == null) {
                    try (NDManager scope = p.getManager().newSubManager()) {
                        return GradientClipping.globalNorm(parameters.values(), scope);
                    }
                }
                i++;
            }
            return Math.sqrt(ElementwiseKernels.sumOfSquares(gradients, threads()));
        } finally {
            opened.forEach(NDArray::close);
        }
    }

    private static int threads() {
        return Math.max(1, JniUtils.getNumThreads());
    }

    /** Sets every gradient to zero (DJL's collector adds to them; PyTorch's {@code zero_grad}). */
    public void zeroGrad() {
        for (NDArray p : parameters.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** First and second moments by parameter name, for checkpoints ({@code m.NAME}, {@code v.NAME}). */
    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        m.forEach((name, a) -> state.put("m." + name, a));
        v.forEach((name, a) -> state.put("v." + name, a));
        return state;
    }

    /** Restores moments and the step count saved by {@link #state()} and {@link #stepCount()}. */
    public void load(Map<String, float[]> state, long stepCount) {
        for (String prefix : List.of("m.", "v.")) {
            Map<String, NDArray> target = prefix.equals("m.") ? m : v;
            for (Map.Entry<String, NDArray> e : target.entrySet()) {
                float[] values = state.get(prefix + e.getKey());
                if (values == null) {
                    throw new IllegalArgumentException("optimizer state has no '" + prefix + e.getKey()
                            + "': the checkpoint was written for other trainable parameters");
                }
                if (values.length != e.getValue().getShape().size()) {
                    throw new IllegalArgumentException("optimizer state '" + prefix + e.getKey() + "' has " + values.length
                            + " values, the parameter has " + e.getValue().getShape().size());
                }
                TensorMemory.copyInto(e.getValue(), values);
            }
        }
        this.step = stepCount;
    }

    /** Selects the parameters whose names pass {@code filter} (e.g. to freeze the rest). */
    public static Map<String, NDArray> select(Map<String, NDArray> parameters, Predicate<String> filter) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            if (filter.test(name)) out.put(name, p);
        });
        return out;
    }

    @Override
    public void close() {
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
    }
}
