package org.llmworkbench.cli;

import ai.djl.Device;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.PretrainedGpt2;
import org.llmworkbench.model.TokenCodec;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.text.Tokenizers;
import org.llmworkbench.train.BaseModels;
import org.llmworkbench.train.TrainedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the model commands share: turning {@code --model} and {@code --device} into a model, and the tokenizer. */
final class CliModels {
    private CliModels() {}

    /**
     * {@code --model} as a preset name gives randomly initialized weights from {@code seed}; as a
     * directory holding a Hugging Face GPT-2 checkpoint ({@code config.json} + {@code model.safetensors})
     * it gives those weights; {@code workshop-base} (or {@code workshop-base-smoke}) gives the small base
     * model the workbench pretrains itself (trained on first use, saying so on stderr).
     */
    static GptModel open(String spec, long seed, Device d) throws java.io.IOException {
        if (GptConfig.isPreset(spec)) {
            return GptModel.create(GptConfig.preset(spec), seed, d);
        }
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            return PretrainedGpt2.load(path, d);
        }
        if (spec.equals("workshop-base") || spec.equals("workshop-base-smoke")) {
            TrainedModel base = BaseModels.load(spec, System.err);
            if (d.equals(base.model().device())) return base.model();
            base.close();
            return PretrainedGpt2.load(BaseModels.cached(spec), d);
        }
        throw new IllegalArgumentException("--model '" + spec + "' is neither a preset ("
                + String.join(", ", GptConfig.presetNames()) + "), workshop-base(-smoke), nor a directory with config.json and "
                + "model.safetensors (e.g. Hugging Face's gpt2 downloaded into $WORKBENCH_DATA_DIR/gpt2)");
    }

    /** GPT-2's BPE tokenizer (needs the gpt2-encoder and gpt2-vocab datasets; fails clearly without them). */
    static TokenCodec gpt2Tokenizer() {
        return codec(Tokenizers.gpt2());
    }

    /** A tokenizer as the commands use it: special tokens in the text are encoded as such. */
    static TokenCodec codec(Tokenizer tokenizer) {
        return TokenCodec.of(tokenizer::encodeAllowingAllSpecial, tokenizer::decode);
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
