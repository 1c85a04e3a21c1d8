package org.llmworkbench.finetune;

import org.llmworkbench.data.Batch;
import org.llmworkbench.data.InstructionPrompts;
import org.llmworkbench.data.InstructionPrompts.Example;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.model.Losses;
import org.llmworkbench.text.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Turns tokenized instruction examples of different lengths into one rectangular batch, as the
 * book's {@code custom_collate_fn} does:
 *
 * <ol>
 *   <li>append one end-of-text (50256) to every example, then pad with it to the longest example + 1;</li>
 *   <li>inputs are all tokens but the last, targets all tokens but the first (shifted by one);</li>
 *   <li>every padding target after the first end-of-text becomes −100, which the loss ignores: the model
 *       learns to stop once, and the padding costs nothing;</li>
 *   <li>optionally (the book's exercise 7.2) the prompt's targets become −100 too, so that only the
 *       response is learned;</li>
 *   <li>optionally rows are cut to {@code maxLength} tokens (the model's context).</li>
 * </ol>
 *
 * @param padId      the padding and end-of-text id (50256 for GPT-2)
 * @param maskPrompt set the targets that predict prompt tokens to −100
 * @param maxLength  cut rows to this many tokens; 0 for no cap
 */
public record InstructionCollate(int padId, boolean maskPrompt, int maxLength) {
    public static final int END_OF_TEXT = 50256;

    public InstructionCollate {
        if (padId < 0) throw new IllegalArgumentException("padId must be a token id >= 0, got " + padId);
        if (maxLength < 0) throw new IllegalArgumentException("maxLength must be >= 0 (0 = no cap), got " + maxLength);
    }

    /** The book's collate: pad 50256, no prompt masking, no cap. */
    public static InstructionCollate book() {
        return new InstructionCollate(END_OF_TEXT, false, 0);
    }

    public InstructionCollate withMaskPrompt(boolean v) {
        return new InstructionCollate(padId, v, maxLength);
    }

    public InstructionCollate withMaxLength(int v) {
        return new InstructionCollate(padId, maskPrompt, v);
    }

    /** One example's token ids: the prompt's {@code promptLength} ids followed by the response's. */
    public record Sample(int[] ids, int promptLength) {
        public Sample {
            if (ids == null || ids.length == 0) throw new IllegalArgumentException("a sample needs at least one token");
            if (promptLength < 0 || promptLength > ids.length) {
                throw new IllegalArgumentException("promptLength " + promptLength + " is outside [0, " + ids.length + "]");
            }
        }

        /** A sample without a known prompt (nothing to mask). */
        public static Sample of(int... ids) {
            return new Sample(ids, 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sample s && s.promptLength == promptLength && Arrays.equals(s.ids, ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids) * 31 + promptLength;
        }

        @Override
        public String toString() {
            return "Sample[ids=" + Arrays.toString(ids) + ", promptLength=" + promptLength + "]";
        }
    }

    /** Formats and tokenizes one example: prompt (up to the response header) + response. */
    public static Sample encode(Tokenizer tokenizer, Format format, Example example) {
        int[] prompt = tokenizer.encode(InstructionPrompts.prompt(format, example));
        int[] all = tokenizer.encode(InstructionPrompts.withResponse(format, example));
        // BPE may merge across the prompt/response seam; the prompt length counts the ids they share
        int shared = 0;
        while (shared < prompt.length && shared < all.length && prompt[shared] == all[shared]) shared++;
        return new Sample(all, shared);
    }

    public static List<Sample> encodeAll(Tokenizer tokenizer, Format format, List<Example> examples) {
        return examples.stream().map(e -> encode(tokenizer, format, e)).toList();
    }

    public Batch collate(List<Sample> samples) {
        int[] indices = new int[samples.size()];
        Arrays.setAll(indices, i -> i);
        return collate(samples, indices);
    }

    /** @param indices the samples' positions in their dataset, kept in the batch */
    public Batch collate(List<Sample> samples, int[] indices) {
        if (samples.isEmpty()) throw new IllegalArgumentException("cannot collate an empty list of samples");
        int longest = samples.stream().mapToInt(s -> s.ids().length).max().orElseThrow() + 1;
        int width = maxLength > 0 ? Math.min(longest - 1, maxLength) : longest - 1;
        int[][] inputs = new int[samples.size()][];
        int[][] targets = new int[samples.size()][];
        for (int r = 0; r < samples.size(); r++) {
            Sample s = samples.get(r);
            int[] padded = Arrays.copyOf(s.ids(), longest);
            Arrays.fill(padded, s.ids().length, longest, padId);
            int[] in = Arrays.copyOfRange(padded, 0, longest - 1);
            int[] out = Arrays.copyOfRange(padded, 1, longest);
            boolean seenPad = false;
            for (int i = 0; i < out.length; i++) {
                if (out[i] != padId) continue;
                if (seenPad) out[i] = Losses.IGNORE_INDEX;
                seenPad = true;
            }
            if (maskPrompt) {
                // target i predicts token i + 1: the targets of prompt tokens 1 … promptLength - 1
                for (int i = 0; i < s.promptLength() - 1; i++) out[i] = Losses.IGNORE_INDEX;
            }
            inputs[r] = Arrays.copyOf(in, width);
            targets[r] = Arrays.copyOf(out, width);
        }
        return new Batch(inputs, targets, indices);
    }

    /** Targets that count in the loss (not −100): what padding and masking leave to learn from. */
    public static long countedTargets(Batch batch) {
        long n = 0;
        for (int[] row : batch.targets()) {
            for (int t : row) if (t != Losses.IGNORE_INDEX) n++;
        }
        return n;
    }
}
