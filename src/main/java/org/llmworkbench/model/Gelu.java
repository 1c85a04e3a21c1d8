package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * GELU, {@code x Phi(x)}: unlike ReLU it lets small negative values through, smoothly. Two forms:
 * <ul>
 *   <li>GPT-2's tanh approximation, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. Since
 *       {@code 0.5 (1 + tanh(u)) = sigmoid(2u)}, it is computed as {@code x sigmoid(x (a + b x^2))} with
 *       {@code a = 2 sqrt(2/pi)}, {@code b = 0.044715 a}: the same function in 6 element-wise ops, not 9.</li>
 *   <li>the exact {@code 0.5 x (1 + erf(x / sqrt 2))} that nanoGPT's {@code nn.GELU()} uses: one native op.</li>
 * </ul>
 */
public final class Gelu {
    public static final float CUBIC = 0.044715f;
    public static final float SQRT_TWO_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private final boolean exact;
    private final NDArray a;
    private final NDArray b;

    Gelu(NDManager manager, GptConfig.Activation activation) {
        exact = activation == GptConfig.Activation.GELU;
        a = TensorMemory.owned(manager.create((float) (2 * Math.sqrt(2.0 / Math.PI))));
        b = TensorMemory.owned(manager.create((float) (2 * Math.sqrt(2.0 / Math.PI) * 0.044715)));
    }

    public NDArray forward(NDArray x) {
        if (exact) return Activation.gelu(x);
        return x.mul(Activation.sigmoid(x.square().mul(b).add(a).mul(x)));
    }
}
