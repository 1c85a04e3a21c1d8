package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * GELU with GPT-2's tanh approximation:
 * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
 * Unlike ReLU it lets small negative values through, smoothly; DJL only ships the erf form, so it
 * is composed here from element-wise ops. The constants are made once, not on every call.
 */
public final class Gelu {
    private final NDArray half;
    private final NDArray one;
    private final NDArray sqrtTwoOverPi;
    private final NDArray cubic;

    Gelu(NDManager manager) {
        half = manager.create(0.5f);
        one = manager.create(1f);
        sqrtTwoOverPi = manager.create((float) Math.sqrt(2.0 / Math.PI));
        cubic = manager.create(0.044715f);
    }

    public NDArray forward(NDArray x) {
        return forward(x, false);
    }

    /**
     * @param inPlace reuse intermediate buffers (only when no gradient is recorded): the same
     *                formula, written as {@code 0.5 x (1 + tanh(sqrt(2/pi) x (1 + 0.044715 x^2)))}
     */
    NDArray forward(NDArray x, boolean inPlace) {
        if (!inPlace) {
            NDArray inner = x.mul(x).mul(x).mul(cubic).add(x).mul(sqrtTwoOverPi);
            return x.mul(half).mul(inner.tanh().add(one));
        }
        NDArray inner = x.square().muli(cubic).addi(one).muli(x).muli(sqrtTwoOverPi);
        return inner.tanh().addi(one).muli(half).muli(x);
    }
}
