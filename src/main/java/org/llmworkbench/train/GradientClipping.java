package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Collection;

/**
 * Global-norm gradient clipping, as PyTorch's {@code clip_grad_norm_}: the gradients of all
 * parameters are seen as one long vector; when its L2 norm exceeds {@code maxNorm}, every gradient
 * is scaled by {@code maxNorm / (norm + 1e-6)}. A rare huge gradient (a loss spike) then moves the
 * weights no further than a normal one, while the direction of the update is kept.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** The L2 norm of all gradients together. Temporaries go to {@code scope}. */
    public static double globalNorm(Collection<NDArray> parameters, NDManager scope) {
        NDList norms = new NDList(parameters.size());
        for (NDArray p : parameters) {
            NDArray g = p.getGradient();
            g.attach(scope);
            norms.add(g.norm().reshape(1));
        }
        return NDArrays.concat(norms).norm().getFloat();
    }

    /** The factor that clipping applies to every gradient: {@code min(1, maxNorm / (norm + 1e-6))}. */
    public static double coefficient(double norm, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        return Math.min(1, maxNorm / (norm + 1e-6));
    }

    /**
     * Scales the gradients in place so that their global norm is at most {@code maxNorm}.
     *
     * @return the global norm before clipping (what training logs show as "grad norm")
     */
    public static double clip(Collection<NDArray> parameters, double maxNorm, NDManager scope) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        double norm = globalNorm(parameters, scope);
        double coefficient = coefficient(norm, maxNorm);
        if (coefficient < 1) {
            for (NDArray p : parameters) {
                NDArray g = p.getGradient();
                g.attach(scope);
                g.muli((float) coefficient);
            }
        }
        return norm;
    }
}
