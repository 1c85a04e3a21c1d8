package org.llmworkbench.model;

import ai.djl.Device;
import org.llmworkbench.model.io.Gpt2Checkpoint;
import org.llmworkbench.model.io.HfGpt2Config;
import org.llmworkbench.model.io.HfGpt2Layout;
import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.io.StateDict;

import java.io.IOException;
import java.nio.file.Path;

/**
 * OpenAI's GPT-2 weights in a {@link GptModel}: a directory with the Hugging Face {@code config.json}
 * and {@code model.safetensors} is read by {@link HfGpt2Layout} (which renames and transposes the
 * tensors into the book's state-dict names) and copied into a model of the matching shape.
 */
public final class PretrainedGpt2 {
    private PretrainedGpt2() {}

    public static GptModel load(Path dir) throws IOException {
        return load(dir, Device.cpu());
    }

    public static GptModel load(Path dir, Device device) throws IOException {
        return fromCheckpoint(HfGpt2Layout.load(dir), device);
    }

    /** The model shape a checkpoint's config describes (dropout 0.1 as in GPT-2; training may change it). */
    public static GptConfig configOf(HfGpt2Config c) {
        return new GptConfig(c.vocabSize(), c.contextLength(), c.embDim(), c.nLayers(), c.nHeads(), 0.1,
                c.qkvBias(), c.tiedHead(), c.activation());
    }

    public static GptModel fromCheckpoint(Gpt2Checkpoint checkpoint, Device device) {
        GptModel model = GptModel.create(configOf(checkpoint.config()), 0, device);
        try {
            model.loadStateDict(checkpoint.stateDict().asMap());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The model's weights as a checkpoint that {@link HfGpt2Layout#save} writes in Hugging Face layout. */
    public static Gpt2Checkpoint toCheckpoint(GptModel model) {
        GptConfig c = model.config();
        HfGpt2Config hf = new HfGpt2Config(c.vocabSize(), c.contextLength(), c.embDim(), c.nLayers(), c.nHeads(),
                LayerNorm.EPS, c.tiedHead(), c.activation());
        StateDict state = StateDict.fromNDArrays(model.stateDict());
        if (!c.qkvBias()) {
            // GPT-2's layout always has query/key/value biases: zeros compute exactly what no bias does
            for (int i = 0; i < c.nLayers(); i++) {
                for (String w : new String[] {"W_query", "W_key", "W_value"}) {
                    state.put(NamedTensor.of("trf_blocks." + i + ".att." + w + ".bias", new float[c.embDim()], c.embDim()));
                }
            }
        }
        return new Gpt2Checkpoint(hf, state);
    }
}
