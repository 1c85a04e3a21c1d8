package org.llmworkbench.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/** Compares long id arrays fast (AssertJ's containsExactly is quadratic) and reports the first difference. */
final class IdAssert {
    private IdAssert() {}

    static void assertSameIds(int[] actual, int[] expected) {
        int diff = Arrays.mismatch(actual, expected);
        if (diff < 0) return;
        int from = Math.max(0, diff - 3);
        assertThat(Arrays.copyOfRange(actual, from, Math.min(actual.length, diff + 4)))
                .as("ids differ first at position %d (lengths %d and %d)", diff, actual.length, expected.length)
                .containsExactly(Arrays.copyOfRange(expected, from, Math.min(expected.length, diff + 4)));
        assertThat(actual.length).as("length").isEqualTo(expected.length);
    }
}
