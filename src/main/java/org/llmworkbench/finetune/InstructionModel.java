package org.llmworkbench.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.Json;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.train.TrainedModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model that follows instructions: the GPT, its tokenizer, the prompt format it was tuned with and
 * a name that says what it is. Saved as a {@link TrainedModel} directory (Hugging Face GPT-2 layout,
 * loadable by PyTorch tools, plus {@value #INFO_FILE} naming the tokenizer) whose extra fields name
 * the prompt format, so that generation, evaluation and DPO can load it alone.
 */
public record InstructionModel(GptModel model, Tokenizer tokenizer, Format format, String name) implements AutoCloseable {
    /** The metadata file {@link TrainedModel#saveHuggingFace} writes. */
    public static final String INFO_FILE = "workbench.json";
    private static final ObjectMapper JSON = Json.MAPPER;

    /** @param info more fields for the metadata (base model, training figures); may be null */
    public void save(Path dir, Map<String, ?> info) throws IOException {
        ObjectNode extra = JSON.createObjectNode();
        extra.put("name", name);
        extra.put("prompt_format", format.id());
        if (info != null) info.forEach((k, v) -> extra.set(k, JSON.valueToTree(v)));
        new TrainedModel(model, tokenizer, name).saveHuggingFace(dir, extra);
    }

    /**
     * Loads a saved model directory. An instruction-tuned one names its prompt format; for any other
     * GPT-2 directory (a base model) {@code fallback} is used, and without one the load fails.
     *
     * @param dropRate dropout of the loaded model (0 for generation and for DPO)
     */
    public static InstructionModel load(Path dir, Format fallback, double dropRate) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("model directory not found: " + dir);
        JsonNode extra = readInfo(dir).path("extra");
        Format format = extra.path("prompt_format").isTextual() ? Format.parse(extra.get("prompt_format").asText()) : fallback;
        if (format == null) {
            throw new IllegalArgumentException(dir + " names no prompt format in " + INFO_FILE
                    + ": it is not an instruction-tuned model; give the format (alpaca or phi3) to use with it");
        }
        TrainedModel loaded = TrainedModel.fromHuggingFace(dir);
        GptModel model = withDropout(loaded.model(), dropRate);
        if (model != loaded.model()) loaded.close();
        String name = extra.path("name").asText(dir.getFileName().toString());
        return new InstructionModel(model, loaded.tokenizer(), format, name);
    }

    /** The metadata of a saved model directory (an empty object when there is none). */
    public static JsonNode readInfo(Path dir) throws IOException {
        return TrainedModel.readInfo(dir);
    }

    /** The same weights with another dropout rate (the book tunes with 0); the same model when it already matches. */
    public static GptModel withDropout(GptModel model, double dropRate) {
        return model.config().dropRate() == dropRate ? model : copy(model, dropRate);
    }

    /** A separate model with the same weights: a tuning run's starting copy, or DPO's frozen reference. */
    public static GptModel copy(GptModel model, double dropRate) {
        GptConfig c = model.config();
        GptModel copy = GptModel.create(c.withDropRate(dropRate), 0, model.device());
        copy.loadStateDict(model.parameters());
        return copy;
    }

    @Override
    public void close() {
        model.close();
    }
}
