package org.llmworkbench.finetune;

import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.data.InstructionPrompts;

import java.nio.file.Path;
import java.util.List;

/**
 * Preference data for DPO: {@code {"instruction", "input", "chosen", "rejected"}} records, as in the
 * book's {@code instruction-data-with-preference.json} (other fields such as {@code output} are
 * ignored). It is also what a human-rating page writes, so "rate, then tune" closes the loop.
 * Split like {@link InstructionData}: 85 / 10 / 5 in file order.
 */
public final class PreferenceData {
    private PreferenceData() {}

    /** One instruction with a preferred and a dispreferred answer. */
    public record Example(String instruction, String input, String chosen, String rejected) {
        public Example {
            if (instruction == null || chosen == null || rejected == null) {
                throw new IllegalArgumentException("instruction, chosen and rejected are required");
            }
            input = input == null ? "" : input;
        }

        public InstructionPrompts.Example question() {
            return new InstructionPrompts.Example(instruction, input, "");
        }
    }

    /** The dataset {@code instruction-data-with-preference}. */
    public static List<Example> load() {
        return load(Datasets.resolve("instruction-data-with-preference"));
    }

    public static List<Example> load(Path file) {
        return InstructionData.readRecords(file, r -> new Example(r.field("instruction"), r.optionalField("input"),
                r.field("chosen"), r.field("rejected")));
    }
}
