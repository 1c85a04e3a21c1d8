package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * GELU with GPT-2's tanh approximation, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}:
 * unlike ReLU it lets small negative values through, smoothly. (DJL ships only the erf form.)
 */
public final class Gelu {
    public static final float CUBIC = 0.044715f;
    public static final float SQRT_TWO_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private final NDArray half;
    private final NDArray one;
    private final NDArray sqrtTwoOverPi;
    private final NDArray cubic;

    Gelu(NDManager manager) {
        half = manager.create(0.5f);
        one = manager.create(1f);
        sqrtTwoOverPi = manager.create(SQRT_TWO_OVER_PI);
        cubic = manager.create(CUBIC);
    }

    public NDArray forward(NDArray x) {
        NDArray inner = x.mul(x).mul(x).mul(cubic).add(x).mul(sqrtTwoOverPi);
        return x.mul(half).mul(inner.tanh().add(one));
    }
}
