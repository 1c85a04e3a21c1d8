package org.llmworkbench.model.reference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReferenceGptTest {

    @Test
    void erfMatchesPublishedValues() {
        // x, erf(x) (published tables / C's erf to 16 digits); both branches (series < 3, continued fraction >= 3)
        double[][] table = {
                {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
                {2, 0.9953222650189527}, {-1, -0.8427007929497149}, {2.9, 0.9999589021219005},
                {3, 0.9999779095030014}, {3.1, 0.9999883513426328}, {4, 0.9999999845827421},
                {5, 0.9999999999984626}, {-4, -0.9999999845827421}};
        for (double[] row : table) {
            assertThat(ReferenceGpt.erf(row[0])).as("erf(%s)", row[0]).isCloseTo(row[1], within(1e-12));
        }
        assertThat(ReferenceGpt.erf(0.0)).isEqualTo(0.0);
        assertThat(ReferenceGpt.erf(40)).isEqualTo(1.0);
        assertThat(ReferenceGpt.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
        assertThat(ReferenceGpt.erf(Double.NaN)).isNaN();
    }

    @Test
    void erfIsOddAndIncreasingAcrossTheBranchSwitch() {
        double previous = -1;
        for (double x = -6; x <= 6; x += 0.001) {
            double y = ReferenceGpt.erf(x);
            assertThat(ReferenceGpt.erf(-x)).isEqualTo(-y);
            assertThat(y).as("erf(%s)", x).isGreaterThanOrEqualTo(previous);
            previous = y;
        }
        // no jump where the series hands over to the continued fraction: erf' = 2/sqrt(pi) exp(-x^2)
        double below = ReferenceGpt.erf(Math.nextDown(3.0));
        assertThat(Math.abs(ReferenceGpt.erf(3.0) - below)).isLessThan(1e-13);
    }

    @Test
    void exactGeluIsXTimesTheNormalCdf() {
        // Phi(x) = 0.5 (1 + erf(x / sqrt 2)): Phi(1) = 0.8413447460685429, Phi(-2) = 0.022750131948179195
        assertThat(ReferenceGpt.geluExact(1)).isCloseTo(0.8413447460685429, within(1e-12));
        assertThat(ReferenceGpt.geluExact(-2)).isCloseTo(-2 * 0.022750131948179195, within(1e-12));
        assertThat(ReferenceGpt.geluExact(0)).isEqualTo(0.0);
        // the tanh form stays within 1e-3 of it, but is not it
        for (double x = -5; x <= 5; x += 0.01) {
            assertThat(Math.abs(ReferenceGpt.gelu(x) - ReferenceGpt.geluExact(x))).as("x=%s", x).isLessThan(1e-3);
        }
        assertThat(Math.abs(ReferenceGpt.gelu(1) - ReferenceGpt.geluExact(1))).isGreaterThan(1e-4);
    }
}
