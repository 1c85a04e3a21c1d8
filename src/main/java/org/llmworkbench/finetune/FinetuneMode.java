package org.llmworkbench.finetune;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Which parameters a classifier fine-tune trains. */
public enum FinetuneMode {
    /** The book's chapter 6: the last block(s), the final norm and the new head; everything else frozen. */
    LAST_BLOCKS("last-block"),
    /** Every parameter. */
    FULL("full"),
    /** Low-rank adapters on every dense layer and the head; all original weights frozen (the book's appendix E). */
    LORA("lora");

    private final String cliName;

    FinetuneMode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** {@code last-block}, {@code full} or {@code lora} (also the enum names, any case). */
    public static FinetuneMode parse(String name) {
        for (FinetuneMode m : values()) {
            if (m.cliName.equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)) return m;
        }
        throw new IllegalArgumentException("unknown fine-tuning mode '" + name + "'; use one of "
                + Arrays.stream(values()).map(FinetuneMode::cliName).collect(Collectors.joining(", ")));
    }
}
