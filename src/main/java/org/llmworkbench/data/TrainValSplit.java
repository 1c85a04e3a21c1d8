package org.llmworkbench.data;

import java.util.Arrays;

/**
 * Splits a corpus in two at a fixed fraction: the first part trains, the rest validates. No
 * shuffling: for running text the validation part must be unseen text, not interleaved sentences.
 *
 * <p>The split position is {@code (int) (trainRatio * length)}, Python's {@code int(ratio * len)};
 * text is measured in Unicode code points as Python measures a {@code str}, so the book's 90 % split
 * of {@code the-verdict.txt} falls on the same character.
 */
public record TrainValSplit(double trainRatio) {

    public TrainValSplit {
        if (!(trainRatio > 0.0 && trainRatio < 1.0)) {
            throw new IllegalArgumentException("trainRatio must be in (0, 1) exclusive, got " + trainRatio);
        }
    }

    /** The book's 90 % train / 10 % validation split. */
    public static TrainValSplit ninetyTen() {
        return new TrainValSplit(0.90);
    }

    public record TextSplit(String train, String validation) {}

    public record IdSplit(int[] train, int[] validation) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdSplit s && Arrays.equals(train, s.train) && Arrays.equals(validation, s.validation);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(train) + Arrays.hashCode(validation);
        }

        @Override
        public String toString() {
            return "IdSplit[train=" + train.length + " ids, validation=" + validation.length + " ids]";
        }
    }

    /** Where the training part ends, for a corpus of {@code length} items. */
    public int splitIndex(int length) {
        if (length < 0) throw new IllegalArgumentException("length must be >= 0, got " + length);
        return (int) (trainRatio * length);
    }

    public TextSplit split(String text) {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        int at = splitIndex(text.codePointCount(0, text.length()));
        int offset = text.offsetByCodePoints(0, at);
        return new TextSplit(text.substring(0, offset), text.substring(offset));
    }

    public IdSplit split(int[] ids) {
        if (ids == null) throw new IllegalArgumentException("ids must not be null");
        int at = splitIndex(ids.length);
        return new IdSplit(Arrays.copyOfRange(ids, 0, at), Arrays.copyOfRange(ids, at, ids.length));
    }
}
