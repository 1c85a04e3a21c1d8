package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A CPU tensor's own memory, read and written from Java through a direct buffer: the in-place
 * AdamW's way in, and how weights are copied into a model's parameters. ({@code NDArray.set} would
 * copy them too, but libtorch's copy path that DJL calls prints a deprecation warning about
 * {@code AutoNonVariableTypeMode} to the terminal the first time.)
 */
public final class TensorMemory {
    private TensorMemory() {}

    /**
     * The CPU memory of {@code array} as floats, or null when it is not a float32 CPU tensor whose
     * memory a buffer can address directly (then the caller must use NDArray operations).
     */
    public static FloatBuffer floats(NDArray array) {
        if (!(array instanceof PtNDArray pt) || !ai.djl.Device.Type.CPU.equals(array.getDevice().getDeviceType())
                || array.getDataType() != DataType.FLOAT32) {
            return null;
        }
        ByteBuffer bytes = JniUtils.getByteBuffer(pt, true);
        if (!bytes.isDirect() || bytes.capacity() != array.getShape().size() * Float.BYTES) return null;
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * True when writes through {@link #floats} reach the array itself (a contiguous tensor), checked
     * by writing one element through the buffer and reading it back through the array.
     */
    public static boolean writesThrough(NDArray array) {
        FloatBuffer b = floats(array);
        if (b == null || b.capacity() == 0) return b != null;
        float old = b.get(0);
        float probe = old == 1.5f ? 2.5f : 1.5f;
        b.put(0, probe);
        float seen;
        try (NDArray flat = array.flatten(); NDArray first = flat.get(0)) {
            seen = first.getFloat();
        } finally {
            b.put(0, old);
        }
        return seen == probe;
    }

    /** Replaces every value of {@code target} (a parameter being loaded or initialized) by {@code values}. */
    public static void copyInto(NDArray target, float[] values) {
        checkSize(target, values.length);
        FloatBuffer memory = writesThrough(target) ? floats(target) : null;
        if (memory != null) memory.put(0, values);
        else target.set(values);
    }

    /** {@link #copyInto(NDArray, float[])} from float32 bytes in {@code values}' byte order (e.g. {@code NDArray.toByteBuffer()}). */
    public static void copyInto(NDArray target, ByteBuffer values) {
        ByteBuffer source = values.duplicate().order(values.order());
        if (source.remaining() % Float.BYTES != 0) {
            throw new IllegalArgumentException("float32 data must be a whole number of 4-byte values, got "
                    + source.remaining() + " bytes for " + target.getShape());
        }
        checkSize(target, source.remaining() / Float.BYTES);
        FloatBuffer memory = writesThrough(target) ? floats(target) : null;
        if (memory != null) memory.put(source.asFloatBuffer());
        else target.set(source);
    }

    private static void checkSize(NDArray target, long values) {
        if (values != target.getShape().size()) {
            throw new IllegalArgumentException("got " + values + " values for a tensor of shape " + target.getShape()
                    + " (" + target.getShape().size() + " values)");
        }
    }
}
