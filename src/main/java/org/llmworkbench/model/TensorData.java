package org.llmworkbench.model;

import java.util.Arrays;

/**
 * A tensor as plain Java data: row-major float values and their shape. The engine-free form of a
 * state-dict entry (what a file reader produces before anything is copied into the model).
 */
public record TensorData(float[] data, long[] shape) {
    public TensorData {
        if (data == null || shape == null) {
            throw new IllegalArgumentException("data and shape must not be null");
        }
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape dimensions must be >= 0, got " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " values but data has " + data.length);
        }
    }
}
