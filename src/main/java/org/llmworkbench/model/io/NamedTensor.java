package org.llmworkbench.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Objects;

/**
 * A weight as plain Java data: a name, a shape and row-major float32 values. It knows nothing of
 * the model or of DJL's memory, so files can be read, checked and rearranged before any tensor exists.
 */
public record NamedTensor(String name, long[] shape, float[] data) {

    public NamedTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        if (name.isEmpty()) throw new IllegalArgumentException("name must not be empty");
        shape = shape.clone();
        long n = numel(shape, name);
        if (n != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " needs " + n + " values but data has " + data.length);
        }
    }

    /** Product of the dimensions; fails on a negative dimension or a count that no float[] can hold. */
    public static long numel(long[] shape, String name) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " overflows a long");
            }
        }
        return n;
    }

    public static NamedTensor of(String name, float[] data, long... shape) {
        return new NamedTensor(name, shape, data);
    }

    public static NamedTensor fromNDArray(String name, NDArray array) {
        if (array.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
            return new NamedTensor(name, array.getShape().getShape(), array.toFloatArray());
        }
        try (NDArray f = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
            return new NamedTensor(name, array.getShape().getShape(), f.toFloatArray());
        }
    }

    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(shape));
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long dim(int i) {
        return shape[i];
    }

    public NamedTensor renamed(String newName) {
        return new NamedTensor(newName, shape, data);
    }

    /** Swaps the two axes of a matrix: [rows, cols] → [cols, rows]. */
    public NamedTensor transposed() {
        requireRank(2);
        int rows = (int) shape[0], cols = (int) shape[1];
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
        }
        return new NamedTensor(name, new long[] {cols, rows}, out);
    }

    /** Columns [from, to) of a matrix, e.g. one of the q, k, v blocks of a fused projection. */
    public NamedTensor columns(int from, int to) {
        requireRank(2);
        int rows = (int) shape[0], cols = (int) shape[1];
        if (from < 0 || to > cols || from > to) {
            throw new IllegalArgumentException("tensor '" + name + "': columns [" + from + ", " + to + ") outside 0.." + cols);
        }
        int w = to - from;
        float[] out = new float[rows * w];
        for (int r = 0; r < rows; r++) System.arraycopy(data, r * cols + from, out, r * w, w);
        return new NamedTensor(name, new long[] {rows, w}, out);
    }

    /** Elements [from, to) of a vector. */
    public NamedTensor slice(int from, int to) {
        requireRank(1);
        return new NamedTensor(name, new long[] {to - from}, Arrays.copyOfRange(data, from, to));
    }

    /** Matrices with equal row counts side by side: the inverse of {@link #columns}. */
    public static NamedTensor concatColumns(String name, NamedTensor... parts) {
        int rows = (int) parts[0].shape[0];
        int total = 0;
        for (NamedTensor p : parts) {
            p.requireRank(2);
            if (p.shape[0] != rows) throw new IllegalArgumentException("concat '" + name + "': row counts differ");
            total += (int) p.shape[1];
        }
        float[] out = new float[rows * total];
        int offset = 0;
        for (NamedTensor p : parts) {
            int w = (int) p.shape[1];
            for (int r = 0; r < rows; r++) System.arraycopy(p.data, r * w, out, r * total + offset, w);
            offset += w;
        }
        return new NamedTensor(name, new long[] {rows, total}, out);
    }

    /** Vectors one after the other. */
    public static NamedTensor concat(String name, NamedTensor... parts) {
        int total = 0;
        for (NamedTensor p : parts) {
            p.requireRank(1);
            total += p.data.length;
        }
        float[] out = new float[total];
        int offset = 0;
        for (NamedTensor p : parts) {
            System.arraycopy(p.data, 0, out, offset, p.data.length);
            offset += p.data.length;
        }
        return new NamedTensor(name, new long[] {total}, out);
    }

    private void requireRank(int r) {
        if (shape.length != r) {
            throw new IllegalArgumentException("tensor '" + name + "': expected rank " + r + " but shape is " + Arrays.toString(shape));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "NamedTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
