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
        ByteBuffer bytes = bytes(array);
        return bytes == null ? null : bytes.asFloatBuffer();
    }

    /**
     * The same memory as {@link #floats}, as bytes in the machine's order, or null where {@link #floats}
     * is null. For a contiguous tensor (every parameter) this is a view, not a copy; for any other, DJL
     * first makes a contiguous copy, which stays open in the array's manager until that closes.
     */
    public static ByteBuffer bytes(NDArray array) {
        if (!(array instanceof PtNDArray pt) || !ai.djl.Device.Type.CPU.equals(array.getDevice().getDeviceType())
                || array.getDataType() != DataType.FLOAT32) {
            return null;
        }
        ByteBuffer bytes = JniUtils.getByteBuffer(pt, true);
        if (!bytes.isDirect() || bytes.capacity() != array.getShape().size() * Float.BYTES) return null;
        return bytes.order(ByteOrder.nativeOrder());
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

    /**
     * Whether {@code array}'s memory is a Java direct buffer rather than libtorch's own. DJL makes a
     * CPU array from Java data ({@code manager.create(float[])}, {@code create(long[], shape)}, ...)
     * with {@code from_blob} over a direct buffer that only the Java array object keeps alive: once the
     * array is closed, the buffer may be garbage-collected and its memory reused, even while libtorch
     * still holds the tensor (autograd saves token ids for the embedding's backward, one-hot targets
     * and masks for a product's). True also when DJL's field cannot be read, so callers stay safe.
     */
    public static boolean javaBacked(NDArray array) {
        if (!(array instanceof PtNDArray)) return false;
        java.lang.reflect.Field f = DATA_REF;
        if (f == null) return true;
        try {
            return f.get(array) != null;
        } catch (IllegalAccessException e) {
            return true;
        }
    }

    /**
     * Moves every array of {@code from} (and its sub-managers) whose memory is a Java buffer to
     * {@code to}, so that closing {@code from} leaves those arrays, and the memory autograd may still
     * read, alive until {@code to} closes. How the trainer frees a forward pass's arrays before the
     * backward pass without freeing memory the backward pass reads.
     */
    public static void keepJavaBacked(ai.djl.ndarray.NDManager from, ai.djl.ndarray.NDManager to) {
        for (NDArray a : from.getManagedArrays()) {
            if (javaBacked(a)) a.attach(to);
        }
    }

    private static final java.lang.reflect.Field DATA_REF = dataRefField();

    private static java.lang.reflect.Field dataRefField() {
        try {
            java.lang.reflect.Field f = PtNDArray.class.getDeclaredField("dataRef");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another DJL: every array counts as Java-backed (kept to the end of the step)
        }
    }

    /**
     * {@code array} in memory libtorch owns: a copy when its memory is a Java buffer (see
     * {@link #javaBacked}), which is then closed; the array itself otherwise. Long-lived arrays made
     * from Java data (a model's causal mask, GELU's constants, a classifier's new parameters) are kept this way,
     * so no garbage collection can take memory that a tensor, or autograd, still reads.
     */
    public static NDArray owned(NDArray array) {
        if (!javaBacked(array)) return array;
        NDArray copy = array.duplicate();
        String name = array.getName();
        array.close();
        if (name != null) copy.setName(name);
        return copy;
    }

    /**
     * A 0-dimensional float32 array in memory libtorch owns, to multiply, divide or compare by in a
     * recorded forward pass. DJL's {@code x.mul(0.5f)}, {@code x.div(n)}, {@code x.maximum(0f)} and
     * {@code x.pow(3)} make the number a Java-backed array and close it at once, while autograd keeps
     * it for backward (the gradient of {@code x · c} is {@code grad · c}): a garbage collection in
     * between frees that memory, and the gradient is computed with whatever reused it. (That made
     * training runs drift apart under memory pressure, in notebooks and on busy machines.)
     */
    public static NDArray scalar(ai.djl.ndarray.NDManager manager, double value) {
        return manager.full(new ai.djl.ndarray.types.Shape(), (float) value, DataType.FLOAT32);
    }
}
