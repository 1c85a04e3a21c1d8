package org.llmworkbench.data;

import java.util.Map;
import java.util.Objects;

/**
 * One saved answer of a model to one instruction: what evaluation reads, never re-generating
 * silently. {@code reference} is the dataset's answer, {@code response} the model's;
 * {@code generation} holds the settings that produced it (temperature, max tokens, seed, …).
 */
public record ModelResponse(String instruction, String input, String reference, String response, String model,
                            String promptFormat, Map<String, Object> generation) {
    public ModelResponse {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(model, "model");
        input = input == null ? "" : input;
        promptFormat = promptFormat == null ? "" : promptFormat;
        generation = generation == null ? Map.of() : Map.copyOf(generation);
    }

    /** Instruction and input identify the question, so two models' answers can be paired. */
    public String questionKey() {
        return instruction + "\u0000" + input;
    }
}
