package org.llmworkbench.model.blocks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's global random generator, reached through DJL. DJL's PyTorch engine draws with the same
 * generator and kernels as {@code torch.rand} / {@code torch.randn}, so after {@code seed(123)} the
 * draws equal the book's after {@code torch.manual_seed(123)}, in the same order.
 */
public final class TorchRandom {
    private TorchRandom() {}

    /** {@code torch.manual_seed(seed)}. */
    public static void seed(long seed) {
        if (seed < Integer.MIN_VALUE || seed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("seed must fit in an int (DJL passes an int to PyTorch), got " + seed);
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    }

    /** {@code torch.rand(shape)}: uniform in [0, 1). */
    public static NDArray rand(NDManager manager, long... shape) {
        return manager.randomUniform(0f, 1f, new Shape(shape), DataType.FLOAT32);
    }

    /** {@code torch.randn(shape)}: standard normal. */
    public static NDArray randn(NDManager manager, long... shape) {
        return manager.randomNormal(0f, 1f, new Shape(shape), DataType.FLOAT32);
    }

    /** {@code torch.empty(shape).uniform_(-bound, bound)}: how nn.Linear initializes. */
    public static NDArray uniform(NDManager manager, double bound, long... shape) {
        return manager.randomUniform((float) -bound, (float) bound, new Shape(shape), DataType.FLOAT32);
    }
}
