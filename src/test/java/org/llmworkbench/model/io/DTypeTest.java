package org.llmworkbench.model.io;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DTypeTest {
    @Test
    void everyHalfValueSurvivesWidenAndNarrow() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = DType.halfToFloat(h);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(DType.halfToFloat(DType.floatToHalf(f)))).isTrue();
            } else {
                assertThat(DType.floatToHalf(f) & 0xffff).as("half 0x%04x = %s", bits, f).isEqualTo(bits);
            }
        }
    }

    @Test
    void everyBfloat16ValueSurvivesWidenAndNarrow() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = DType.bfloat16ToFloat((short) bits);
            if (!Float.isNaN(f)) assertThat(DType.floatToBfloat16(f) & 0xffff).as("bf16 0x%04x", bits).isEqualTo(bits);
        }
    }

    @Test
    void narrowingRoundsToNearestEven() {
        // halfway between half 1.0 (0x3C00) and the next value 1 + 2^-10 (0x3C01): ties go to even 0x3C00
        assertThat(DType.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(DType.floatToHalf(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
        // between 0x3C01 and 0x3C02 exactly: ties to even 0x3C02
        assertThat(DType.floatToHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(DType.floatToHalf(65504f)).isEqualTo((short) 0x7BFF);
        assertThat(DType.floatToHalf(-0f)).isEqualTo((short) 0x8000);
        assertThat(DType.floatToHalf(0x1p-25f)).isEqualTo((short) 0); // half of the smallest subnormal: tie → 0
        assertThat(DType.floatToHalf(0x1.8p-24f)).isEqualTo((short) 2); // 1.5 × smallest subnormal: tie → even 2
        assertThat(DType.floatToBfloat16(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
        assertThat(DType.floatToBfloat16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
    }
}
