package org.llmworkbench.model.io;

import java.nio.ByteBuffer;

/**
 * The element types a safetensors file may hold that we understand. Everything is read into
 * float32 because that is what the model computes in; half-precision files are widened on read.
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The dtype for a header string, or {@code null} when we do not know it. */
    public static DType fromHeader(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) return d;
        }
        return null;
    }

    /** Reads all elements left in a little-endian buffer into {@code dst[off..]}, widening each to float. */
    void readFloats(ByteBuffer src, float[] dst, int off) {
        int end = off + src.remaining() / bytes;
        switch (this) {
            case F32 -> src.asFloatBuffer().get(dst, off, end - off);
            case F16 -> { for (int i = off; i < end; i++) dst[i] = halfToFloat(src.getShort()); }
            case BF16 -> { for (int i = off; i < end; i++) dst[i] = bfloat16ToFloat(src.getShort()); }
            case F64 -> { for (int i = off; i < end; i++) dst[i] = (float) src.getDouble(); }
            case I64 -> { for (int i = off; i < end; i++) dst[i] = (float) src.getLong(); }
            case I32 -> { for (int i = off; i < end; i++) dst[i] = (float) src.getInt(); }
        }
    }

    /** Reads all integer elements left in the buffer into {@code dst[off..]} exactly. */
    void readLongs(ByteBuffer src, long[] dst, int off) {
        int end = off + src.remaining() / bytes;
        switch (this) {
            case I64 -> src.asLongBuffer().get(dst, off, end - off);
            case I32 -> { for (int i = off; i < end; i++) dst[i] = src.getInt(); }
            default -> throw new IllegalStateException(this + " is not an integer dtype");
        }
    }

    /** Writes floats narrowed to this dtype (floating dtypes only). */
    void writeFloats(float[] src, int from, int to, ByteBuffer dst) {
        switch (this) {
            case F32 -> { for (int i = from; i < to; i++) dst.putFloat(src[i]); }
            case F16 -> { for (int i = from; i < to; i++) dst.putShort(floatToHalf(src[i])); }
            case BF16 -> { for (int i = from; i < to; i++) dst.putShort(floatToBfloat16(src[i])); }
            case F64 -> { for (int i = from; i < to; i++) dst.putDouble(src[i]); }
            default -> throw new IllegalStateException("cannot write float data as " + this);
        }
    }

    // bfloat16 is the top half of a float32: widening is a shift, narrowing rounds to nearest even.
    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    // IEEE 754 binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float sub = mant * 0x1p-24f; // subnormal: mantissa × 2^-24
            return sign == 0 ? sub : -sub;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int absBits = bits & 0x7fffffff;
        if (absBits >= 0x7f800000) { // inf or NaN
            return (short) (sign | 0x7c00 | (absBits > 0x7f800000 ? 0x200 : 0));
        }
        float abs = Float.intBitsToFloat(absBits);
        if (abs >= 65520f) return (short) (sign | 0x7c00); // rounds past the largest half
        if (abs < 0x1p-14f) { // subnormal half: round abs / 2^-24 to nearest even integer
            int m = (int) Math.rint(abs * 0x1p24f);
            return (short) (sign | m);
        }
        int exp = (absBits >>> 23) - 127 + 15;
        int mant = absBits & 0x7fffff;
        int half = (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) half++;
        return (short) (sign | half);
    }
}
