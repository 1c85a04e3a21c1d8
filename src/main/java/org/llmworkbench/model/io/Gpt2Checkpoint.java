package org.llmworkbench.model.io;

import java.util.Objects;

/** GPT-2 weights in our state dict names together with the config that fixes their shapes. */
public record Gpt2Checkpoint(HfGpt2Config config, StateDict stateDict) {
    public Gpt2Checkpoint {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stateDict, "stateDict");
    }
}
