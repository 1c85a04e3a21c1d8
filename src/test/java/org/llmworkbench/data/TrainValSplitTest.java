package org.llmworkbench.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainValSplitTest {

    @Test
    void booksNinetyTenSplitOfTheVerdict() {
        String text = TheVerdict.text();
        TrainValSplit.TextSplit split = TrainValSplit.ninetyTen().split(text);
        assertThat(split.train()).hasSize(18_431); // int(0.9 * 20479)
        assertThat(split.validation()).hasSize(2_048);
        assertThat(split.train() + split.validation()).isEqualTo(text);
    }

    @Test
    void textIsMeasuredInCodePointsLikePython() {
        String text = "a\uD83D\uDE00b\uD83D\uDE00"; // a😀b😀: 4 code points, 6 chars
        TrainValSplit.TextSplit split = new TrainValSplit(0.5).split(text);
        assertThat(split.train()).isEqualTo("a\uD83D\uDE00");
        assertThat(split.validation()).isEqualTo("b\uD83D\uDE00");
    }

    @Test
    void idsSplitTruncatesLikePythonInt() {
        TrainValSplit.IdSplit split = new TrainValSplit(0.85).split(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThat(split.train()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8); // int(8.5) = 8
        assertThat(split.validation()).containsExactly(9, 10);
        assertThat(new TrainValSplit(0.9).splitIndex(5_145)).isEqualTo(4_630);
    }

    @Test
    void ratioMustLieStrictlyBetweenZeroAndOne() {
        assertThatThrownBy(() -> new TrainValSplit(0.0)).hasMessage("trainRatio must be in (0, 1) exclusive, got 0.0");
        assertThatThrownBy(() -> new TrainValSplit(1.0)).hasMessageContaining("got 1.0");
        assertThatThrownBy(() -> new TrainValSplit(Double.NaN)).hasMessageContaining("got NaN");
    }
}
