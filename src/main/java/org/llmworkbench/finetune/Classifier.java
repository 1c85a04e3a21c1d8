package org.llmworkbench.finetune;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.AtomicFiles;
import org.llmworkbench.data.ClassificationDataset;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.LayerNorm;
import org.llmworkbench.model.PretrainedGpt2;
import org.llmworkbench.model.io.Gpt2Checkpoint;
import org.llmworkbench.model.io.HfGpt2Config;
import org.llmworkbench.model.io.HfGpt2Layout;
import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.io.Safetensors;
import org.llmworkbench.model.io.StateDict;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.text.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A text classifier ready to use: tokenizer, fine-tuned GPT with its class head, and label names.
 * {@link #classify} answers one message with its label and probability.
 *
 * <p>Saved as one directory: {@code model/} in Hugging Face GPT-2 layout ({@code config.json} +
 * {@code model.safetensors}, LoRA merged, the unused vocabulary head left out),
 * {@code head.safetensors} with the class head, and {@code classifier.json} naming the labels, the
 * tokenizer and the padding id. A model built without query/key/value biases is written with zero
 * biases, which compute the same thing, so every classifier fits the standard layout.
 */
public final class Classifier implements AutoCloseable {
    public static final String FORMAT = "llm-workbench-classifier";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final GptClassifier model;
    private final Tokenizer tokenizer;
    private final String tokenizerName;
    private final List<String> labels;
    private final int padId;

    /**
     * @param tokenizerName what {@link Tokenizers#forName} finds the tokenizer by ({@code gpt2} or a file)
     */
    public Classifier(GptClassifier model, String tokenizerName, List<String> labels, int padId) {
        if (labels.size() != model.numClasses()) {
            throw new IllegalArgumentException(labels.size() + " label names for a head of " + model.numClasses() + " classes");
        }
        this.model = model;
        this.tokenizerName = tokenizerName;
        this.tokenizer = Tokenizers.forName(tokenizerName);
        this.labels = List.copyOf(labels);
        this.padId = padId;
    }

    /**
     * A label, its probability, the probability of every label, and how many tokens were read.
     * {@code truncated} says the text had more tokens than the model's context and only the first
     * {@code contextLength} were read.
     */
    public record Prediction(String label, double probability, double[] probabilities, int tokens, boolean truncated) {}

    public GptClassifier model() {
        return model;
    }

    public List<String> labels() {
        return labels;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int padId() {
        return padId;
    }

    public int contextLength() {
        return model.model().config().contextLength();
    }

    /** Fails on blank text (there is nothing to classify); text past the context length is truncated and flagged. */
    public Prediction classify(String text) {
        return classifyAll(List.of(text)).get(0);
    }

    public List<Prediction> classifyAll(List<String> texts) {
        List<int[]> tokens = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("text " + (i + 1) + " is empty: give a message to classify");
            }
            tokens.add(tokenizer.encode(t));
        }
        ClassificationDataset data = new ClassificationDataset(tokens, new int[texts.size()], padId, contextLength());
        List<double[]> probabilities = probabilities(data, 16);
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            double[] p = probabilities.get(i);
            int best = argmax(p);
            int n = tokens.get(i).length;
            out.add(new Prediction(labels.get(best), p[best], p, Math.min(n, contextLength()), n > contextLength()));
        }
        return out;
    }

    /** Predicted labels of every example, in dataset order, with the true ones. */
    public Predictions predict(ClassificationDataset data, int batchSize) {
        List<double[]> p = probabilities(data, batchSize);
        int[] predicted = new int[p.size()];
        for (int i = 0; i < predicted.length; i++) predicted[i] = argmax(p.get(i));
        return new Predictions(data.labels(), predicted, labels);
    }

    /** Accuracy of {@link #predict} (the book's {@code calc_accuracy_loader}). */
    public double accuracy(ClassificationDataset data, int batchSize) {
        return predict(data, batchSize).accuracy();
    }

    private List<double[]> probabilities(ClassificationDataset data, int batchSize) {
        return model.probabilities(data, batchSize);
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
        return best;
    }

    // ---- one directory on disk -------------------------------------------------------------------

    /**
     * Writes the classifier into {@code dir} (created, or replaced if it holds a classifier): LoRA
     * adapters are merged first. Everything is written into a sibling temp directory that is then
     * renamed, so a failure leaves no half-written classifier under the final name.
     */
    public void save(Path dir, Map<String, String> info) throws IOException {
        model.mergeAdapters();
        Path target = dir.toAbsolutePath();
        if (Files.exists(target) && !Files.isRegularFile(target.resolve("classifier.json"))
                && Files.list(target).findAny().isPresent()) {
            throw new IOException(target + " exists and is not a classifier directory; choose an empty or new --out directory");
        }
        Files.createDirectories(target.getParent());
        Path temp = AtomicFiles.newSibling(target, ".tmp", true);
        try {
            GptModel gpt = model.model();
            GptConfig c = gpt.config();
            HfGpt2Layout.save(temp.resolve("model"), new Gpt2Checkpoint(
                    new HfGpt2Config(c.vocabSize(), c.contextLength(), c.embDim(), c.nLayers(), c.nHeads(), LayerNorm.EPS, true, c.activation()),
                    bodyWithQkvBias(gpt)));
            Safetensors.write(temp.resolve("head.safetensors"), StateDict.fromNDArrays(model.headParameters()));
            ObjectNode json = JSON.createObjectNode();
            json.put("format", FORMAT).put("version", 1).put("tokenizer", tokenizerName).put("pad_id", padId);
            json.putPOJO("labels", labels);
            ObjectNode extra = json.putObject("info");
            info.forEach(extra::put);
            AtomicFiles.writeBytes(temp.resolve("classifier.json"), JSON.writeValueAsBytes(json));
            AtomicFiles.deleteTree(target);
            AtomicFiles.moveIntoPlace(temp, target);
        } finally {
            AtomicFiles.deleteTree(temp);
        }
    }

    /** Reads a directory {@link #save} wrote; a missing or foreign directory fails saying what is missing. */
    public static Classifier load(Path dir) throws IOException {
        Path json = dir.resolve("classifier.json");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no classifier at " + dir + (Files.exists(dir) ? ": it is a file, not a folder;" : ": the directory does not exist;")
                    + " train one with 'workbench finetune classify --out " + dir + "'");
        }
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException("no classifier at " + dir + ": classifier.json is missing;"
                    + " train one with 'workbench finetune classify --out DIR'");
        }
        JsonNode meta;
        try {
            meta = JSON.readTree(json.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(json + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(meta.path("format").asText())) {
            throw new IllegalArgumentException(json + ": format is '" + meta.path("format").asText() + "', expected '" + FORMAT + "'");
        }
        List<String> labels = new ArrayList<>();
        meta.path("labels").forEach(n -> labels.add(n.asText()));
        GptModel gpt = PretrainedGpt2.load(dir.resolve("model"));
        GptClassifier model = null;
        try {
            model = new GptClassifier(gpt, labels.size(), 0);
            StateDict head = Safetensors.read(dir.resolve("head.safetensors"));
            for (Map.Entry<String, NDArray> p : model.headParameters().entrySet()) {
                NamedTensor t = head.get(p.getKey());
                if (t == null) throw new IllegalArgumentException(dir.resolve("head.safetensors") + " has no tensor " + p.getKey());
                if (!p.getValue().getShape().equals(new ai.djl.ndarray.types.Shape(t.shape()))) {
                    throw new IllegalArgumentException(dir.resolve("head.safetensors") + ": " + p.getKey() + " has shape "
                            + java.util.Arrays.toString(t.shape()) + " but the labels ask for " + p.getValue().getShape());
                }
                org.llmworkbench.model.TensorMemory.copyInto(p.getValue(), t.data());
            }
            return new Classifier(model, meta.path("tokenizer").asText("gpt2"), labels, meta.path("pad_id").asInt());
        } catch (RuntimeException | IOException e) {
            if (model != null) model.close();
            else gpt.close();
            throw e;
        }
    }

    /** The model's state dict without the vocabulary head, with zero q/k/v biases where the model has none. */
    private static StateDict bodyWithQkvBias(GptModel gpt) {
        StateDict sd = new StateDict();
        long e = gpt.config().embDim();
        for (Map.Entry<String, NDArray> p : gpt.parameters().entrySet()) {
            if (p.getKey().equals("out_head.weight")) continue;
            sd.put(NamedTensor.fromNDArray(p.getKey(), p.getValue()));
        }
        if (!gpt.config().qkvBias()) {
            for (int i = 0; i < gpt.config().nLayers(); i++) {
                for (String m : List.of("W_query", "W_key", "W_value")) {
                    sd.put(NamedTensor.of("trf_blocks." + i + ".att." + m + ".bias", new float[(int) e], e));
                }
            }
        }
        return sd;
    }

    @Override
    public void close() {
        model.close();
    }
}
