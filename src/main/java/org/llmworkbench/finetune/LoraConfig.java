package org.llmworkbench.finetune;

/**
 * LoRA settings: the rank r of every adapter, alpha, and which of two conventions sets the adapters'
 * starting values and scale. B always starts at zero.
 *
 * <ul>
 *   <li>{@link Style#PEFT} (the LoRA paper's and Hugging Face PEFT's): A drawn as {@code nn.Linear(in, r)}'s
 *       weight, uniform in ±1/√in; output scaled by {@code alpha / r}.</li>
 *   <li>{@link Style#BOOK} (the book's appendix E {@code LoRALayer}): A drawn as an [in, r] matrix by
 *       {@code kaiming_uniform_(a=√5)}, uniform in ±1/√r; output scaled by {@code alpha}. With r = 16,
 *       alpha = 16 on GPT-2 small, A starts about √(768/16) ≈ 7× larger and the scale is 16× larger than
 *       PEFT's with the same numbers.</li>
 * </ul>
 */
public record LoraConfig(int rank, double alpha, Style style) {

    /** Where A's starting values and the output scale come from. */
    public enum Style { PEFT, BOOK }

    public LoraConfig {
        if (rank < 1) throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
        if (style == null) throw new IllegalArgumentException("LoRA style is required (PEFT or BOOK)");
    }

    /** The PEFT convention (scale alpha / r). */
    public LoraConfig(int rank, double alpha) {
        this(rank, alpha, Style.PEFT);
    }

    /** The book's appendix E: scale alpha, A uniform in ±1/√r (the book uses r = 16, alpha = 16). */
    public static LoraConfig book(int rank, double alpha) {
        return new LoraConfig(rank, alpha, Style.BOOK);
    }

    /** {@code peft} or {@code book} (any case). */
    public static Style parseStyle(String name) {
        for (Style s : Style.values()) {
            if (s.name().equalsIgnoreCase(name)) return s;
        }
        throw new IllegalArgumentException("unknown LoRA style '" + name + "'; use peft (alpha / r) or book (alpha)");
    }

    /** What an adapter's output is multiplied by. */
    public double scale() {
        return style == Style.BOOK ? alpha : alpha / rank;
    }

    /** A's starting values are uniform in ± this, for a layer with {@code in} inputs. */
    public double initBound(long in) {
        return 1 / Math.sqrt(style == Style.BOOK ? rank : in);
    }

    /** Trainable values of one adapted layer [out, in]: A [r, in] plus B [out, r]. */
    public long adapterParameters(long in, long out) {
        return (long) rank * (in + out);
    }
}
