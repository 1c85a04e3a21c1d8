package org.llmworkbench.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * How an instruction becomes the text a model continues. One helper serves instruction tuning
 * (training examples), generation (prompts) and evaluation (zero-shot vs few-shot prompts), so the
 * three always agree on the exact bytes.
 *
 * <p>Two formats, as in the book: Alpaca ("Below is an instruction …", {@code ### Instruction:},
 * an optional {@code ### Input:}, then {@code ### Response:}) and the shorter Phi-3 chat format
 * ({@code <|user|>} … {@code <|assistant|>}). The prompt ends exactly where the response begins.
 */
public final class InstructionPrompts {
    private InstructionPrompts() {}

    public static final String ALPACA_PREAMBLE = "Below is an instruction that describes a task. "
            + "Write a response that appropriately completes the request.";
    public static final String ALPACA_RESPONSE_HEADER = "\n\n### Response:\n";

    public enum Format {
        ALPACA, PHI3;

        /** {@code alpaca} or {@code phi3} (also {@code phi-3}), case-insensitive. */
        public static Format parse(String name) {
            String n = Objects.requireNonNull(name, "prompt format").trim().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "alpaca" -> ALPACA;
                case "phi3", "phi-3" -> PHI3;
                default -> throw new IllegalArgumentException("unknown prompt format '" + name
                        + "': use alpaca or phi3");
            };
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One instruction with its optional input and (for training and few-shot examples) its answer. */
    public record Example(String instruction, String input, String output) {
        public Example {
            Objects.requireNonNull(instruction, "instruction");
            input = input == null ? "" : input;
            output = output == null ? "" : output;
        }
    }

    /**
     * The book's {@code format_input}: the Alpaca preamble, the instruction and the input if there
     * is one, without the response header. The judge prompt quotes exactly this text.
     */
    public static String alpacaInstruction(String instruction, String input) {
        StringBuilder s = new StringBuilder(ALPACA_PREAMBLE).append("\n\n### Instruction:\n").append(instruction);
        if (input != null && !input.isEmpty()) {
            s.append("\n\n### Input:\n").append(input);
        }
        return s.toString();
    }

    /** The prompt for a model: everything up to where the response starts. */
    public static String prompt(Format format, String instruction, String input) {
        return switch (format) {
            case ALPACA -> alpacaInstruction(instruction, input) + ALPACA_RESPONSE_HEADER;
            case PHI3 -> "<|user|>\n" + instruction
                    + (input == null || input.isEmpty() ? "" : "\n" + input) + "\n<|assistant|>\n";
        };
    }

    public static String prompt(Format format, Example example) {
        return prompt(format, example.instruction(), example.input());
    }

    /** A training text: the prompt followed by the answer. */
    public static String withResponse(Format format, Example example) {
        return prompt(format, example) + example.output();
    }

    /** Zero-shot when {@code shots} is empty; otherwise each shot, answered, then the question. */
    public static String fewShot(Format format, List<Example> shots, String instruction, String input) {
        StringBuilder s = new StringBuilder();
        for (Example shot : shots) {
            s.append(withResponse(format, shot)).append("\n\n");
        }
        return s.append(prompt(format, instruction, input)).toString();
    }

    /**
     * {@code k} examples drawn without replacement from a pool (the training split), seeded so a
     * comparison table can be re-run, and never the question itself.
     */
    public static List<Example> sampleShots(List<Example> pool, int k, long seed, Example exclude) {
        if (k < 0) {
            throw new IllegalArgumentException("k (number of few-shot examples) must be >= 0, got " + k);
        }
        List<Example> candidates = new ArrayList<>(pool);
        if (exclude != null) {
            candidates.removeIf(e -> e.instruction().equals(exclude.instruction()) && e.input().equals(exclude.input()));
        }
        if (k > candidates.size()) {
            throw new IllegalArgumentException("k=" + k + " few-shot examples requested but the pool has only "
                    + candidates.size());
        }
        Collections.shuffle(candidates, new Random(seed));
        return List.copyOf(candidates.subList(0, k));
    }
}
