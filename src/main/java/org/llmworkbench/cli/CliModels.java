package org.llmworkbench.cli;

import ai.djl.Device;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.PretrainedGpt2;
import org.llmworkbench.model.TokenCodec;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.text.Tokenizers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the model commands share: turning {@code --model} and {@code --device} into a model, and the tokenizer. */
final class CliModels {
    private CliModels() {}

    /**
     * {@code --model} as a preset name gives randomly initialized weights from {@code seed}; as a
     * directory holding a Hugging Face GPT-2 checkpoint ({@code config.json} + {@code model.safetensors})
     * it gives those weights.
     */
    static GptModel open(String spec, long seed, Device d) throws java.io.IOException {
        if (GptConfig.isPreset(spec)) {
            return GptModel.create(GptConfig.preset(spec), seed, d);
        }
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            return PretrainedGpt2.load(path, d);
        }
        throw new IllegalArgumentException("--model '" + spec + "' is neither a preset ("
                + String.join(", ", GptConfig.presetNames()) + ") nor a directory with config.json and "
                + "model.safetensors (e.g. Hugging Face's gpt2 downloaded into $WORKBENCH_DATA_DIR/gpt2)");
    }

    /** GPT-2's BPE tokenizer (needs the gpt2-encoder and gpt2-vocab datasets; fails clearly without them). */
    static TokenCodec gpt2Tokenizer() {
        BpeTokenizer bpe = Tokenizers.gpt2();
        return TokenCodec.of(bpe::encodeAllowingAllSpecial, bpe::decode);
    }

    /** The tokenizer when its files can be found, else empty: commands given token ids then print ids. */
    static Optional<TokenCodec> gpt2TokenizerIfAvailable() {
        try {
            return Optional.of(gpt2Tokenizer());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Token ids separated by spaces, commas or newlines, optionally in brackets ({@code [15496, 11]}); {@code where} names the input in errors. */
    static int[] parseIds(String text, String where) {
        String[] parts = text.replaceAll("[\\[\\],]", " ").trim().split("\\s+");
        if (parts.length == 1 && parts[0].isEmpty()) {
            return new int[0];
        }
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": '" + parts[i] + "' (item " + (i + 1)
                        + ") is not a token id; expected integers separated by commas or spaces");
            }
        }
        return ids;
    }
}
