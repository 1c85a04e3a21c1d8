package org.llmworkbench.finetune;

import org.llmworkbench.data.InstructionPrompts;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.text.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Batches for DPO, after the book's preference collate: each example becomes two sequences, prompt +
 * chosen answer and prompt + rejected answer, padded with end-of-text to one common length (the
 * longest of either + 1), each with a mask that marks the tokens whose log-probability counts: the
 * answer's, never the padding's and, with {@code maskPrompt} (the book's default), not the prompt's.
 *
 * <p>Unlike the book, the prompt here includes the response header ({@code ### Response:}), so the
 * mask starts exactly at the answer's first token whatever the prompt format.
 *
 * @param padId      the padding id (50256 for GPT-2)
 * @param maskPrompt leave the prompt tokens out of the masks
 * @param maxLength  cut sequences to this many tokens; 0 for no cap
 */
public record PreferenceCollate(int padId, boolean maskPrompt, int maxLength) {

    public PreferenceCollate {
        if (padId < 0) throw new IllegalArgumentException("padId must be a token id >= 0, got " + padId);
        if (maxLength < 0) throw new IllegalArgumentException("maxLength must be >= 0 (0 = no cap), got " + maxLength);
    }

    public static PreferenceCollate book() {
        return new PreferenceCollate(InstructionCollate.END_OF_TEXT, true, 0);
    }

    public PreferenceCollate withMaxLength(int v) {
        return new PreferenceCollate(padId, maskPrompt, v);
    }

    /** One tokenized preference example: the two full sequences share the first {@code promptLength} ids. */
    public record Sample(int[] chosen, int[] rejected, int promptLength) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Sample s && Arrays.equals(s.chosen, chosen) && Arrays.equals(s.rejected, rejected)
                    && s.promptLength == promptLength;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(chosen) * 31 + Arrays.hashCode(rejected);
        }

        @Override
        public String toString() {
            return "Sample[chosen=" + Arrays.toString(chosen) + ", rejected=" + Arrays.toString(rejected)
                    + ", promptLength=" + promptLength + "]";
        }
    }

    /**
     * Chosen and rejected sequences of equal width, with 1 where a token's log-probability counts.
     *
     * @param indices the examples' positions in their dataset
     */
    public record Batch(int[][] chosen, int[][] rejected, boolean[][] chosenMask, boolean[][] rejectedMask, int[] indices) {
        public int size() {
            return chosen.length;
        }

        public int width() {
            return chosen[0].length;
        }

        /** Tokens fed to the model per pass (both sequences, padding included). */
        public long tokenCount() {
            return 2L * size() * width();
        }
    }

    public static Sample encode(Tokenizer tokenizer, Format format, PreferenceData.Example example) {
        String prompt = InstructionPrompts.prompt(format, example.question());
        int[] promptIds = tokenizer.encode(prompt);
        int[] chosen = tokenizer.encode(prompt + example.chosen());
        int[] rejected = tokenizer.encode(prompt + example.rejected());
        int shared = 0;
        while (shared < promptIds.length && shared < chosen.length && shared < rejected.length
                && promptIds[shared] == chosen[shared] && promptIds[shared] == rejected[shared]) shared++;
        return new Sample(chosen, rejected, shared);
    }

    public static List<Sample> encodeAll(Tokenizer tokenizer, Format format, List<PreferenceData.Example> examples) {
        return examples.stream().map(e -> encode(tokenizer, format, e)).toList();
    }

    public Batch collate(List<Sample> samples, int[] indices) {
        if (samples.isEmpty()) throw new IllegalArgumentException("cannot collate an empty list of samples");
        int common = 0;
        for (Sample s : samples) common = Math.max(common, Math.max(s.chosen().length, s.rejected().length) + 1);
        int width = maxLength > 0 ? Math.min(common, maxLength) : common;
        int n = samples.size();
        int[][] chosen = new int[n][];
        int[][] rejected = new int[n][];
        boolean[][] chosenMask = new boolean[n][];
        boolean[][] rejectedMask = new boolean[n][];
        for (int r = 0; r < n; r++) {
            Sample s = samples.get(r);
            int from = maskPrompt ? s.promptLength() : 0;
            chosen[r] = pad(s.chosen(), common, width);
            rejected[r] = pad(s.rejected(), common, width);
            chosenMask[r] = mask(from, s.chosen().length, width);
            rejectedMask[r] = mask(from, s.rejected().length, width);
        }
        return new Batch(chosen, rejected, chosenMask, rejectedMask, indices);
    }

    private int[] pad(int[] ids, int length, int width) {
        int[] padded = Arrays.copyOf(ids, length);
        Arrays.fill(padded, ids.length, length, padId);
        return Arrays.copyOf(padded, width);
    }

    private static boolean[] mask(int from, int to, int width) {
        boolean[] m = new boolean[width];
        for (int i = from; i < Math.min(to, width); i++) m[i] = true;
        return m;
    }
}
