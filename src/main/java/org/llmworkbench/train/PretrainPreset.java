package org.llmworkbench.train;

import org.llmworkbench.model.GptConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named pretraining recipe: which text, which tokenizer, which model shape, how the text is cut
 * into windows and batched, and how long and how fast to train.
 *
 * @param datasets     dataset names from the manifest, concatenated (separated by end-of-text for GPT-2's tokenizer)
 * @param tokenizer    {@code gpt2}, {@code char} (the text's characters) or {@code bpe:N} (a BPE of N tokens trained on the training split)
 * @param batchSize    windows per micro-batch
 * @param stride       distance between the starts of consecutive windows (context length: no overlap)
 * @param trainRatio   share of the text (by position) used for training; the rest validates
 * @param samplePrompt text the periodic samples continue
 */
public record PretrainPreset(String name, String description, List<String> datasets, String tokenizer, GptConfig model,
                             int batchSize, int stride, double trainRatio, String samplePrompt, TrainConfig train) {

    public PretrainPreset {
        if (datasets == null || datasets.isEmpty()) throw new IllegalArgumentException("preset " + name + ": no dataset");
        if (!(tokenizer.equals("gpt2") || tokenizer.equals("char") || tokenizer.matches("bpe:\\d+"))) {
            throw new IllegalArgumentException("preset " + name + ": tokenizer must be gpt2, char or bpe:N, got " + tokenizer);
        }
        if (batchSize < 1) throw new IllegalArgumentException("preset " + name + ": batchSize must be >= 1, got " + batchSize);
        if (stride < 1) throw new IllegalArgumentException("preset " + name + ": stride must be >= 1, got " + stride);
        if (!(trainRatio > 0 && trainRatio < 1)) {
            throw new IllegalArgumentException("preset " + name + ": trainRatio must be in (0, 1), got " + trainRatio);
        }
    }

    private static final Map<String, PretrainPreset> PRESETS = new LinkedHashMap<>();

    static {
        // The book's chapter 5: GPT-2 small's shape with a 256-token context, 10 epochs over the-verdict.
        GptConfig book = GptConfig.preset("gpt2-small").withContextLength(256);
        add(new PretrainPreset("verdict-book", "the book's chapter 5 run: gpt2-small shape, ctx 256, 10 epochs on the-verdict",
                List.of("the-verdict"), "gpt2", book, 2, 256, 0.9, "Every effort moves you",
                TrainConfig.builder().maxEpochs(10).learningRate(4e-4).weightDecay(0.1).decay(AdamW.DecayPolicy.ALL)
                        .evalEvery(5).evalBatches(5).sampleEvery(9).seed(123).build()));
        // The same story in about two minutes: a small model still memorizes the short story and overfits.
        add(new PretrainPreset("verdict-workshop", "chapter 5 at workshop size: 4 layers, 256 wide, ctx 128, 16 epochs (~4 min on 2 cores)",
                List.of("the-verdict"), "gpt2", new GptConfig(GptConfig.GPT2_VOCAB, 128, 256, 4, 4, 0.0, false, false),
                2, 128, 0.9, "Every effort moves you",
                TrainConfig.builder().maxEpochs(16).learningRate(5e-4).weightDecay(0.1).decay(AdamW.DecayPolicy.ALL)
                        .evalEvery(18).evalBatches(5).sampleEvery(90).seed(123).build()));
        // nanoGPT's CPU recipe for shakespeare-char (README: "val loss 1.88" after 2,000 iterations),
        // with exact (erf) GELU as nanoGPT's nn.GELU() (one native op, faster than the tanh form).
        TrainConfig nanoGptCpu = TrainConfig.builder().maxSteps(2000).learningRate(1e-3).warmupCosine(0, 100, 1e-4)
                .betas(0.9, 0.99).weightDecay(0.1).decay(AdamW.DecayPolicy.MATRICES_AND_EMBEDDINGS).clipNorm(1.0)
                .evalEvery(250).evalBatches(20).sampleEvery(1000).seed(1337).build();
        add(new PretrainPreset("shakespeare-char", "nanoGPT's CPU shakespeare-char: 4 layers, 4 heads, 128 wide, ctx 64, 2,000 iterations",
                List.of("tinyshakespeare"), "char", new GptConfig(65, 64, 128, 4, 4, 0.0, false, true)
                        .withActivation(GptConfig.Activation.GELU), // nanoGPT's nn.GELU
                12, 1, 0.9, "\n", nanoGptCpu));
        // The same model and recipe on our own byte-level BPE (trained on the training split).
        add(new PretrainPreset("shakespeare-bpe", "tinyshakespeare with a 2,048-token BPE trained by the workbench",
                List.of("tinyshakespeare"), "bpe:2048", new GptConfig(2048, 64, 128, 4, 4, 0.0, false, true)
                        .withActivation(GptConfig.Activation.GELU), // nanoGPT's nn.GELU
                12, 1, 0.9, "ROMEO:", nanoGptCpu));
        // The offline base model of the fine-tuning notebooks: GPT-2's vocabulary and layout (qkv bias, tied head).
        add(new PretrainPreset("workshop-base", "GPT-2-vocabulary base model on tinyshakespeare + the-verdict (~5 min on 2 cores)",
                List.of("tinyshakespeare", "the-verdict"), "gpt2", new GptConfig(GptConfig.GPT2_VOCAB, 256, 128, 4, 4, 0.0, true, true),
                8, 256, 0.95, "Every effort moves you",
                TrainConfig.builder().maxSteps(300).learningRate(2e-3).warmupCosine(0, 30, 2e-4).betas(0.9, 0.95)
                        .weightDecay(0.1).clipNorm(1.0).evalEvery(100).evalBatches(10).sampleEvery(100).seed(42).build()));
        // A seconds-long twin for tests and smoke runs: same data and layout, a tiny model.
        add(new PretrainPreset("workshop-base-smoke", "a tiny GPT-2-vocabulary model for tests (seconds)",
                List.of("the-verdict"), "gpt2", new GptConfig(GptConfig.GPT2_VOCAB, 128, 32, 2, 2, 0.0, true, true),
                4, 128, 0.9, "Every effort moves you",
                TrainConfig.builder().maxSteps(8).learningRate(3e-3).evalEvery(8).evalBatches(2).seed(42).build()));
    }

    private static void add(PretrainPreset p) {
        PRESETS.put(p.name(), p);
    }

    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    public static PretrainPreset named(String name) {
        PretrainPreset p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown pretraining preset '" + name + "'; known: " + String.join(", ", PRESETS.keySet()));
        }
        return p;
    }

    /**
     * The notebook's knobs in one call: {@code epochs} replaces the run's length, {@code width} the model's
     * width, {@code seed} the seed; 0 keeps the preset's value (the seed is always set). The heads follow the
     * width: as many as the preset's, but each at least 16 dimensions wide and dividing the width evenly.
     */
    public PretrainPreset adjusted(int epochs, int width, long seed) {
        GptConfig m = model;
        if (width > 0) {
            int heads = Math.max(1, Math.min(model.nHeads(), width / 16));
            while (width % heads != 0) heads--;
            m = new GptConfig(model.vocabSize(), model.contextLength(), width, model.nLayers(), heads, model.dropRate(),
                    model.qkvBias(), model.tiedHead(), model.activation());
        }
        TrainConfig.Builder t = train.toBuilder().seed(seed);
        if (epochs > 0) t.maxEpochs(epochs).maxSteps(0);
        return withModel(m).withTrain(t.build());
    }

    /**
     * Whether the run starts from the book's initialization (embeddings N(0, 1), linear layers uniform in
     * ±1/√fan_in, drawn as PyTorch draws them) instead of GPT-2's N(0, 0.02). The book's chapter 5 run
     * needs it: from GPT-2's small initial weights, batch 2 at lr 4e-4 without warmup sits on the unigram
     * plateau (measured: train 6.01, val 6.79 at step 60 of 90) where the book's model is at train 1.9.
     */
    public boolean bookInitialization() {
        return name.equals("verdict-book");
    }

    public PretrainPreset withTrain(TrainConfig v) {
        return new PretrainPreset(name, description, datasets, tokenizer, model, batchSize, stride, trainRatio, samplePrompt, v);
    }

    public PretrainPreset withModel(GptConfig v) {
        return new PretrainPreset(name, description, datasets, tokenizer, v, batchSize, stride, trainRatio, samplePrompt, train);
    }

    public PretrainPreset withBatchSize(int v) {
        return new PretrainPreset(name, description, datasets, tokenizer, model, v, stride, trainRatio, samplePrompt, train);
    }

    public PretrainPreset withStride(int v) {
        return new PretrainPreset(name, description, datasets, tokenizer, model, batchSize, v, trainRatio, samplePrompt, train);
    }

    public PretrainPreset withDatasets(List<String> v, String tokenizerSpec) {
        return new PretrainPreset(name, description, v, tokenizerSpec, model, batchSize, stride, trainRatio, samplePrompt, train);
    }
}
