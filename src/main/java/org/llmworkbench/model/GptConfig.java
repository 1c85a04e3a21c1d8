package org.llmworkbench.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a GPT: how many tokens it knows, how far it looks back, how wide and deep it is.
 *
 * <p>The four GPT-2 presets follow the released OpenAI checkpoints (which use query/key/value bias
 * and tie the output head to the token embedding); the {@code -untied} book variant is the default
 * here because that is what the book builds first (163,009,536 parameters for gpt2-small).
 * Workshop presets are small enough to train on a laptop in minutes.
 *
 * @param vocabSize     number of token ids the embedding and the output head know
 * @param contextLength longest sequence the position embedding covers
 * @param embDim        width of every token vector (must be divisible by {@code nHeads})
 * @param nLayers       number of transformer blocks
 * @param nHeads        attention heads per block
 * @param dropRate      dropout probability during training, in [0, 1)
 * @param qkvBias       whether the query/key/value projections have a bias (GPT-2 checkpoints do)
 * @param tiedHead      whether the output head reuses the token embedding matrix
 * @param activation    the feed-forward non-linearity: GPT-2's tanh GELU (the default) or exact GELU
 */
public record GptConfig(int vocabSize, int contextLength, int embDim, int nLayers, int nHeads,
                        double dropRate, boolean qkvBias, boolean tiedHead, Activation activation) {

    /**
     * The two GELUs in use. GPT-2 (and the book) use the tanh approximation, which Hugging Face calls
     * {@code "gelu_new"}; nanoGPT uses PyTorch's {@code nn.GELU()}, the exact {@code 0.5 x (1 + erf(x / sqrt 2))},
     * which Hugging Face calls {@code "gelu"}. The two differ by less than 1e-3 everywhere.
     */
    public enum Activation {
        GELU_TANH("gelu_new"),
        GELU("gelu");

        private final String hfName;

        Activation(String hfName) {
            this.hfName = hfName;
        }

        /** The name Hugging Face's {@code activation_function} uses for it. */
        public String hfName() {
            return hfName;
        }

        /** Hugging Face's {@code activation_function}: gelu_new, gelu_pytorch_tanh, gelu_fast (tanh) or gelu (exact). */
        public static Activation fromHfName(String name) {
            if (name == null) throw new IllegalArgumentException("activation name is null; accepted: " + ACCEPTED);
            return switch (name) {
                case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
                case "gelu" -> GELU;
                default -> throw new IllegalArgumentException("unknown activation '" + name + "'; accepted: " + ACCEPTED);
            };
        }

        private static final String ACCEPTED = "gelu_new, gelu_pytorch_tanh, gelu_fast (tanh GELU), gelu (exact GELU)";
    }

    /** A config with GPT-2's tanh GELU. */
    public GptConfig(int vocabSize, int contextLength, int embDim, int nLayers, int nHeads,
                     double dropRate, boolean qkvBias, boolean tiedHead) {
        this(vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias, tiedHead, Activation.GELU_TANH);
    }

    public GptConfig {
        if (activation == null) activation = Activation.GELU_TANH;
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        positive("embDim", embDim);
        positive("nLayers", nLayers);
        positive("nHeads", nHeads);
        if (embDim % nHeads != 0) {
            throw new IllegalArgumentException("embDim must be divisible by nHeads (embDim=" + embDim
                    + ", nHeads=" + nHeads + "); choose embDim as a multiple of nHeads");
        }
        if (!(dropRate >= 0.0 && dropRate < 1.0)) {
            throw new IllegalArgumentException("dropRate must be in [0, 1), got " + dropRate);
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + value);
        }
    }

    public static final int GPT2_VOCAB = 50_257;
    public static final int GPT2_CONTEXT = 1_024;

    private static final Map<String, GptConfig> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("gpt2-small", gpt2(768, 12, 12));
        PRESETS.put("gpt2-medium", gpt2(1024, 24, 16));
        PRESETS.put("gpt2-large", gpt2(1280, 36, 20));
        PRESETS.put("gpt2-xl", gpt2(1600, 48, 25));
        PRESETS.put("workshop-tiny", new GptConfig(GPT2_VOCAB, 128, 128, 4, 4, 0.1, false, false));
        PRESETS.put("workshop-small", new GptConfig(GPT2_VOCAB, 256, 256, 6, 8, 0.1, false, false));
        PRESETS.put("workshop-medium", new GptConfig(GPT2_VOCAB, 256, 384, 8, 8, 0.1, false, false));
    }

    /** The book's GPT-2 shape: untied head, no qkv bias, dropout 0.1. */
    private static GptConfig gpt2(int embDim, int nLayers, int nHeads) {
        return new GptConfig(GPT2_VOCAB, GPT2_CONTEXT, embDim, nLayers, nHeads, 0.1, false, false);
    }

    /** Names accepted by {@link #preset(String)}, in size order. */
    public static java.util.List<String> presetNames() {
        return java.util.List.copyOf(PRESETS.keySet());
    }

    /** A named preset: {@code gpt2-small|medium|large|xl}, {@code workshop-tiny|small|medium}. */
    public static GptConfig preset(String name) {
        if (name == null) throw new IllegalArgumentException("a model preset name is required; known presets: " + String.join(", ", PRESETS.keySet()));
        GptConfig c = PRESETS.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown model preset '" + name + "'; known presets: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return c;
    }

    public static boolean isPreset(String name) {
        return PRESETS.containsKey(name);
    }

    /** The layout of OpenAI's released checkpoints: qkv bias on, head tied to the token embedding. */
    public GptConfig asOpenAiCheckpoint() {
        return withQkvBias(true).withTiedHead(true);
    }

    public GptConfig withVocabSize(int v) { return new GptConfig(v, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias, tiedHead, activation); }
    public GptConfig withContextLength(int v) { return new GptConfig(vocabSize, v, embDim, nLayers, nHeads, dropRate, qkvBias, tiedHead, activation); }
    public GptConfig withEmbDim(int v) { return new GptConfig(vocabSize, contextLength, v, nLayers, nHeads, dropRate, qkvBias, tiedHead, activation); }
    public GptConfig withNLayers(int v) { return new GptConfig(vocabSize, contextLength, embDim, v, nHeads, dropRate, qkvBias, tiedHead, activation); }
    public GptConfig withNHeads(int v) { return new GptConfig(vocabSize, contextLength, embDim, nLayers, v, dropRate, qkvBias, tiedHead, activation); }
    public GptConfig withDropRate(double v) { return new GptConfig(vocabSize, contextLength, embDim, nLayers, nHeads, v, qkvBias, tiedHead, activation); }
    public GptConfig withQkvBias(boolean v) { return new GptConfig(vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, v, tiedHead, activation); }
    public GptConfig withTiedHead(boolean v) { return new GptConfig(vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias, v, activation); }
    public GptConfig withActivation(Activation v) { return new GptConfig(vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias, tiedHead, v); }

    public int headDim() {
        return embDim / nHeads;
    }

    /** Parameters of one transformer block: attention (q, k, v, out), feed-forward, two norms. */
    public long blockParameterCount() {
        long e = embDim;
        long attention = 3 * e * e + (qkvBias ? 3 * e : 0) + e * e + e;
        long feedForward = e * 4 * e + 4 * e + 4 * e * e + e;
        long norms = 2 * 2 * e;
        return attention + feedForward + norms;
    }

    /** Every trainable number of the model, computed from the shape alone (no tensors allocated). */
    public long parameterCount() {
        long e = embDim;
        long embeddings = (long) vocabSize * e + (long) contextLength * e;
        long head = tiedHead ? 0 : (long) vocabSize * e;
        return embeddings + nLayers * blockParameterCount() + 2 * e + head;
    }
}
