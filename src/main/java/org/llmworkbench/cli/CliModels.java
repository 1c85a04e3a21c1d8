package org.llmworkbench.cli;

import ai.djl.Device;
import org.llmworkbench.model.Devices;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.TokenCodec;
import org.llmworkbench.text.BpeTokenizer;

import java.util.Optional;

/** What the model commands share: turning {@code --model} and {@code --device} into a model, and the tokenizer. */
final class CliModels {
    private CliModels() {}

    /**
     * {@code --model} as a preset name gives randomly initialized weights from {@code seed}. Weight
     * directories and checkpoints are read by {@code org.llmworkbench.model.io}, which this command
     * does not use yet: such a value is refused with a message saying so.
     */
    static GptModel open(String spec, long seed, String device) {
        Device d = Devices.choose(device);
        if (GptConfig.isPreset(spec)) {
            return GptModel.create(GptConfig.preset(spec), seed, d);
        }
        throw new IllegalArgumentException("--model '" + spec + "' is not a preset; this build only builds presets "
                + "with random weights (" + String.join(", ", GptConfig.presetNames()) + "). Loading a weight "
                + "directory or checkpoint comes with the weight reader (org.llmworkbench.model.io).");
    }

    /** GPT-2's BPE tokenizer (needs the gpt2-encoder and gpt2-vocab datasets; fails clearly without them). */
    static TokenCodec gpt2Tokenizer() {
        BpeTokenizer bpe = BpeTokenizer.gpt2();
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

    static int[] parseIds(String text, String where) {
        String[] parts = text.trim().split("[\\s,]+");
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
