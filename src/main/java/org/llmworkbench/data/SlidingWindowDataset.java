package org.llmworkbench.data;

import java.util.Arrays;

/**
 * Next-token prediction examples cut from one long token stream.
 *
 * <p>A window of {@code maxLength} ids is the input; the same window moved one token to the right
 * is the target, so position {@code t} of the target is the token that follows position {@code t}
 * of the input. Windows start every {@code stride} tokens: a stride equal to {@code maxLength}
 * tiles the text without overlap, a smaller stride overlaps the windows (more examples, more
 * repetition).
 *
 * <p>Window starts follow Python's {@code range(0, len(ids) - max_length, stride)}, as in the book,
 * so the count is {@code ceil((n - maxLength) / stride)} for {@code n > maxLength}. The last token
 * of the stream is only ever a target.
 */
public final class SlidingWindowDataset implements TokenPairDataset {

    private final int[] ids;
    private final int maxLength;
    private final int stride;
    private final int windows;

    public SlidingWindowDataset(int[] tokenIds, int maxLength, int stride) {
        if (tokenIds == null) throw new IllegalArgumentException("tokenIds must not be null");
        if (maxLength < 1) throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        if (stride < 1) throw new IllegalArgumentException("stride must be >= 1, got " + stride);
        if (tokenIds.length <= maxLength) {
            throw new IllegalArgumentException("a window of maxLength " + maxLength + " needs at least " + (maxLength + 1)
                    + " tokens (the window and its target, shifted by one), got " + tokenIds.length
                    + "; use a shorter maxLength or more text");
        }
        this.ids = tokenIds.clone();
        this.maxLength = maxLength;
        this.stride = stride;
        this.windows = windowCount(tokenIds.length, maxLength, stride);
    }

    /** How many windows {@code tokens} ids give: the length of {@code range(0, tokens - maxLength, stride)}. */
    public static int windowCount(int tokens, int maxLength, int stride) {
        if (maxLength < 1) throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        if (stride < 1) throw new IllegalArgumentException("stride must be >= 1, got " + stride);
        long span = (long) tokens - maxLength;
        return span <= 0 ? 0 : (int) ((span + stride - 1) / stride);
    }

    @Override
    public int size() {
        return windows;
    }

    public int maxLength() {
        return maxLength;
    }

    public int stride() {
        return stride;
    }

    public int tokenCount() {
        return ids.length;
    }

    /** Position of window {@code index}'s first input token in the stream. */
    public int start(int index) {
        if (index < 0 || index >= windows) {
            throw new IndexOutOfBoundsException("window index must be in [0, " + (windows - 1) + "], got " + index);
        }
        return index * stride;
    }

    @Override
    public int[] input(int index) {
        int s = start(index);
        return Arrays.copyOfRange(ids, s, s + maxLength);
    }

    @Override
    public int[] target(int index) {
        int s = start(index) + 1;
        return Arrays.copyOfRange(ids, s, s + maxLength);
    }
}
