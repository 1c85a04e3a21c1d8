package org.llmworkbench.data;

/**
 * A batch of token-id rows right-padded to one length, each row's true length (tokens before the
 * padding) and its class label. The classifier reads the hidden state at {@code lengths[r] - 1},
 * the last real token, which with causal attention has seen the whole message and no padding.
 */
public record ClassificationBatch(int[][] ids, int[] lengths, int[] labels) {

    public ClassificationBatch {
        if (ids == null || lengths == null || labels == null) throw new IllegalArgumentException("ids, lengths and labels are required");
        if (ids.length == 0) throw new IllegalArgumentException("a batch must hold at least one row");
        if (lengths.length != ids.length || labels.length != ids.length) {
            throw new IllegalArgumentException("ids (" + ids.length + "), lengths (" + lengths.length + ") and labels ("
                    + labels.length + ") must have the same number of rows");
        }
        for (int r = 0; r < ids.length; r++) {
            if (ids[r].length != ids[0].length) {
                throw new IllegalArgumentException("row " + r + " has " + ids[r].length + " ids; every row must have " + ids[0].length);
            }
            if (lengths[r] < 1 || lengths[r] > ids[r].length) {
                throw new IllegalArgumentException("row " + r + " has length " + lengths[r] + "; it must be in [1, " + ids[r].length + "]");
            }
        }
    }

    public int size() {
        return ids.length;
    }

    public int sequenceLength() {
        return ids[0].length;
    }

    /** Real (non-padding) tokens in the batch. */
    public long realTokens() {
        long n = 0;
        for (int l : lengths) n += l;
        return n;
    }

    /** Tokens the model processes, padding included. */
    public long paddedTokens() {
        return (long) size() * sequenceLength();
    }
}
