package org.llmworkbench.data;

import org.llmworkbench.text.Tokenizer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Texts encoded once, with a class label each, batched for a classifier.
 *
 * <p>{@link #collate} right-pads every row with the pad id ({@code <|endoftext|>}, 50256, for GPT-2)
 * to the longest message in the batch, not in the whole dataset as the book does: short batches
 * stay short. A message longer than {@code maxLength} keeps its first {@code maxLength} tokens (the
 * book's {@code encoded[:max_length]}); its recorded length is then {@code maxLength}.
 */
public final class ClassificationDataset {
    private final int[][] tokens;
    private final int[] labels;
    private final int padId;
    private final int maxLength;

    /**
     * @param padId     the id padding is filled with
     * @param maxLength the longest row a batch may have (the model's context length)
     */
    public ClassificationDataset(List<int[]> tokens, int[] labels, int padId, int maxLength) {
        if (tokens.size() != labels.length) {
            throw new IllegalArgumentException(tokens.size() + " token rows but " + labels.length + " labels");
        }
        if (maxLength < 1) throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        this.tokens = new int[tokens.size()][];
        for (int i = 0; i < this.tokens.length; i++) {
            if (tokens.get(i).length == 0) {
                throw new IllegalArgumentException("example " + i + " has no tokens: an empty message cannot be classified");
            }
            this.tokens[i] = tokens.get(i);
        }
        this.labels = labels.clone();
        this.padId = padId;
        this.maxLength = maxLength;
    }

    /** Encodes every text with the tokenizer (special tokens in the text are refused). */
    public static ClassificationDataset encode(Tokenizer tokenizer, List<String> texts, int[] labels, int padId, int maxLength) {
        List<int[]> tokens = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("text " + i + " is empty: an empty message cannot be classified");
            }
            tokens.add(tokenizer.encode(text));
        }
        return new ClassificationDataset(tokens, labels, padId, maxLength);
    }

    public int size() {
        return tokens.length;
    }

    public int[] labels() {
        return labels.clone();
    }

    public int padId() {
        return padId;
    }

    public int maxLength() {
        return maxLength;
    }

    /** The first {@code n} examples. */
    public ClassificationDataset head(int n) {
        int m = Math.min(n, size());
        return new ClassificationDataset(java.util.Arrays.asList(java.util.Arrays.copyOf(tokens, m)),
                java.util.Arrays.copyOf(labels, m), padId, maxLength);
    }

    /** Token count of the longest example before truncation. */
    public int longest() {
        int m = 0;
        for (int[] t : tokens) m = Math.max(m, t.length);
        return m;
    }

    /** Examples longer than {@code maxLength}, which {@link #collate} truncates. */
    public int truncatedCount() {
        int n = 0;
        for (int[] t : tokens) if (t.length > maxLength) n++;
        return n;
    }

    /** The examples at {@code indices}, padded to the longest of them (at most {@code maxLength}). */
    public ClassificationBatch collate(int[] indices) {
        int length = 0;
        for (int i : indices) length = Math.max(length, Math.min(tokens[i].length, maxLength));
        int[][] ids = new int[indices.length][length];
        int[] lengths = new int[indices.length];
        int[] rowLabels = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            int[] t = tokens[indices[r]];
            int n = Math.min(t.length, maxLength);
            System.arraycopy(t, 0, ids[r], 0, n);
            java.util.Arrays.fill(ids[r], n, length, padId);
            lengths[r] = n;
            rowLabels[r] = labels[indices[r]];
        }
        return new ClassificationBatch(ids, lengths, rowLabels);
    }

    /** Batches per epoch for this batch size. */
    public int batchCount(int batchSize, boolean dropLast) {
        checkBatchSize(batchSize, dropLast);
        return dropLast ? size() / batchSize : (size() + batchSize - 1) / batchSize;
    }

    /**
     * The batches of one epoch. With {@code shuffle} the order is a seeded Fisher-Yates shuffle of
     * (seed, epoch), the same on every run; otherwise dataset order.
     */
    public Iterator<ClassificationBatch> batches(int batchSize, boolean shuffle, boolean dropLast, long seed, int epoch) {
        int count = batchCount(batchSize, dropLast);
        int[] order = shuffle ? Permutations.shuffled(size(), seed * 0x9E3779B97F4A7C15L + epoch)
                : Permutations.identity(size());
        return new Iterator<>() {
            int next = 0;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public ClassificationBatch next() {
                if (!hasNext()) throw new java.util.NoSuchElementException("epoch " + epoch + " has " + count + " batches");
                int from = next * batchSize;
                int to = Math.min(from + batchSize, order.length);
                next++;
                return collate(java.util.Arrays.copyOfRange(order, from, to));
            }
        };
    }

    private void checkBatchSize(int batchSize, boolean dropLast) {
        if (batchSize < 1 || (dropLast && batchSize > size())) {
            throw new IllegalArgumentException("batchSize must be in [1, " + size() + "]" + (dropLast ? " with dropLast" : "")
                    + ", got " + batchSize);
        }
    }
}
