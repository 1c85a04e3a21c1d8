package org.llmworkbench.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.Json;
import org.llmworkbench.data.Batch;
import org.llmworkbench.data.DataLoader;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.datasets.ResolvedDataset;
import org.llmworkbench.data.SlidingWindowDataset;
import org.llmworkbench.data.TrainValSplit;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.Generator;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.blocks.BookInitialization;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.text.BpeTrainer;
import org.llmworkbench.text.CharTokenizer;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.text.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pretraining run prepared from a {@link PretrainPreset}: the text read and tokenized, split 90/10
 * (by position, as the book does), cut into windows, batched; a model of the preset's shape; and
 * the {@link Trainer} that connects them. The CLI's {@code pretrain} and notebook 04 both use it.
 */
public final class Pretraining {
    private static final ObjectMapper JSON = Json.MAPPER;

    private final PretrainPreset preset;
    private final Tokenizer tokenizer;
    private final int[] trainIds;
    private final int[] valIds;
    private final Map<String, String> datasetSha256;
    private final DataLoader trainLoader;
    private final DataLoader valLoader;

    private Pretraining(PretrainPreset preset, Tokenizer tokenizer, int[] trainIds, int[] valIds, Map<String, String> sha) {
        this.preset = preset;
        this.tokenizer = tokenizer;
        this.trainIds = trainIds;
        this.valIds = valIds;
        this.datasetSha256 = sha;
        int ctx = preset.model().contextLength();
        if (trainIds.length <= ctx) {
            throw new IllegalArgumentException("the training split has " + trainIds.length + " tokens, not more than the context length "
                    + ctx + ": use more text or a shorter context");
        }
        // The book: shuffled training batches without a ragged last batch; validation in order, every window.
        this.trainLoader = new DataLoader(new SlidingWindowDataset(trainIds, ctx, preset.stride()),
                preset.batchSize(), true, true, preset.train().seed());
        SlidingWindowDataset val = new SlidingWindowDataset(valIds, Math.min(ctx, valIds.length - 1), Math.min(preset.stride(), ctx));
        this.valLoader = new DataLoader(val, Math.min(preset.batchSize(), val.size()), false, false, 0);
    }

    public static Pretraining prepare(String presetName) {
        return prepare(PretrainPreset.named(presetName));
    }

    /** Reads the preset's datasets, builds its tokenizer and the train/validation windows. */
    public static Pretraining prepare(PretrainPreset preset) {
        Map<String, String> sha = new LinkedHashMap<>();
        List<String> texts = new ArrayList<>();
        for (String name : preset.datasets()) {
            Path own = Path.of(name);
            if (Files.isRegularFile(own)) {
                // a text file of one's own instead of a manifest dataset
                texts.add(readText(own));
                try {
                    sha.put(name, Checkpoints.sha256(own));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read training text " + own + ": " + e.getMessage(), e);
                }
                continue;
            }
            if (looksLikeAFile(name)) {
                throw new IllegalArgumentException("training text " + name + (Files.exists(own) ? " is not a file" : " does not exist"));
            }
            Path file = Datasets.resolve(name);
            texts.add(readText(file));
            ResolvedDataset r = Datasets.resolvedSoFar().get(name);
            if (r != null) sha.put(name, r.sha256());
        }
        return prepare(preset, texts, sha);
    }

    /** Prepares a run on texts given directly (a file of one's own); {@code sha256} documents them. */
    public static Pretraining prepare(PretrainPreset preset, List<String> texts, Map<String, String> sha256) {
        TrainValSplit split = new TrainValSplit(preset.trainRatio());
        Tokenizer tokenizer;
        int[] train;
        int[] val;
        if (preset.tokenizer().equals("gpt2")) {
            tokenizer = Tokenizers.forName("gpt2");
            // each text split on its own, so every dataset contributes to both splits
            List<int[]> trains = new ArrayList<>();
            List<int[]> vals = new ArrayList<>();
            for (String text : texts) {
                int[] ids = tokenizer.encode(text);
                TrainValSplit.IdSplit s = split.split(ids);
                trains.add(s.train());
                vals.add(s.validation());
            }
            int eot = tokenizer.specialTokens().get(Tokenizer.END_OF_TEXT);
            train = join(trains, eot);
            val = join(vals, eot);
        } else {
            String text = String.join("\n\n", texts);
            TrainValSplit.TextSplit s = split.split(text);
            if (preset.tokenizer().equals("char")) {
                tokenizer = CharTokenizer.fromText(text);
            } else {
                int size = Integer.parseInt(preset.tokenizer().substring("bpe:".length()));
                tokenizer = new BpeTrainer(BpeTrainer.Config.of(size)).train(s.train());
            }
            train = tokenizer.encode(s.train());
            val = tokenizer.encode(s.validation());
        }
        PretrainPreset sized = preset.model().vocabSize() == tokenizer.vocabSize() ? preset
                : preset.withModel(preset.model().withVocabSize(tokenizer.vocabSize()));
        return new Pretraining(sized, tokenizer, train, val, sha256);
    }

    /** Whether a dataset name means a text file of one's own: it has a path separator or ends in .txt. */
    public static boolean looksLikeAFile(String name) {
        return name.contains("/") || name.contains(java.io.File.separator) || name.endsWith(".txt");
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read training text " + file + ": " + e.getMessage(), e);
        }
    }

    private static int[] join(List<int[]> parts, int separator) {
        int n = parts.stream().mapToInt(p -> p.length).sum() + Math.max(0, parts.size() - 1);
        int[] out = new int[n];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) out[at++] = separator;
            System.arraycopy(parts.get(i), 0, out, at, parts.get(i).length);
            at += parts.get(i).length;
        }
        return out;
    }

    public PretrainPreset preset() { return preset; }
    public Tokenizer tokenizer() { return tokenizer; }
    public GptConfig modelConfig() { return preset.model(); }
    public DataLoader trainLoader() { return trainLoader; }
    public DataLoader valLoader() { return valLoader; }
    public int trainTokens() { return trainIds.length; }
    public int valTokens() { return valIds.length; }
    public Map<String, String> datasetSha256() { return datasetSha256; }

    /** A freshly initialized model of the preset's shape. */
    public GptModel newModel() {
        return newModel(ai.djl.Device.cpu());
    }

    /**
     * The same on a device ({@code Devices.choose("gpu")}). The book's preset starts from the book's
     * initialization (PyTorch's layer defaults), the others from GPT-2's N(0, 0.02).
     */
    public GptModel newModel(ai.djl.Device device) {
        GptModel model = GptModel.create(preset.model(), preset.train().seed(), device);
        if (preset.bookInitialization()) BookInitialization.apply(model, preset.train().seed());
        return model;
    }

    /** What a checkpoint needs to rebuild model and tokenizer: config, tokenizer, data, preset. */
    public ObjectNode meta() {
        return meta(preset.model());
    }

    /** The same for a run that trains {@code c} (a model of another shape than the preset's, such as pretrain's --init). */
    public ObjectNode meta(GptConfig c) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("preset", preset.name());
        ObjectNode model = meta.putObject("model");
        model.put("vocab_size", c.vocabSize()).put("context_length", c.contextLength()).put("emb_dim", c.embDim())
                .put("n_layers", c.nLayers()).put("n_heads", c.nHeads()).put("drop_rate", c.dropRate())
                .put("qkv_bias", c.qkvBias()).put("tied_head", c.tiedHead())
                .put("activation", c.activation().hfName());
        meta.set("tokenizer", TrainedModel.tokenizerSpec(tokenizer));
        ArrayNode data = meta.putArray("datasets");
        preset.datasets().forEach(name -> data.addObject().put("name", name).put("sha256", datasetSha256.getOrDefault(name, "")));
        return meta;
    }

    /** The trainer for {@code model}, writing to {@code runDir} (null: nothing on disk), optionally resuming. */
    public Trainer<Batch> trainer(GptModel model, Path runDir, Checkpoint resume, TrainingListener... listeners) {
        return trainer(model, preset.train(), runDir, resume, listeners);
    }

    /**
     * The same with another {@link TrainConfig}. Fails before it writes anything when {@code model} does not
     * fit the run's windows and tokens ({@link #misfit}), when {@code resume} was written by another run
     * ({@link #checkResumable}), or when {@code runDir} already holds checkpoints and {@code resume} is null.
     */
    public Trainer<Batch> trainer(GptModel model, TrainConfig config, Path runDir, Checkpoint resume, TrainingListener... listeners) {
        String misfit = misfit(model.config());
        if (misfit != null) throw new IllegalArgumentException("the model does not fit this run: " + misfit);
        if (resume != null) {
            checkResumable(resume, model.config(), "resume with the preset, model shape, tokenizer and data it was written with");
        } else if (runDir != null) {
            try {
                new Checkpoints(runDir).requireNoneBeforeAFreshRun("resume from one of them (new Checkpoints(runDir).latest()) "
                        + "or use another (or an empty) run directory");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot list the checkpoints in " + runDir + ": " + e.getMessage(), e);
            }
        }
        Trainer.Builder<Batch> b = Trainer.builder(model.parameters(), new LanguageModelObjective(model),
                        BatchSource.of(trainLoader), config)
                .validation(BatchSource.of(valLoader))
                .meta(meta(model.config()))
                .sampler(step -> sample(model, preset.samplePrompt(), 40));
        if (runDir != null) {
            b.runDir(runDir);
            TrainedModel.saveTokenizer(tokenizer, runDir);
        }
        if (resume != null) b.resumeFrom(resume);
        Arrays.stream(listeners).forEach(b::listener);
        return b.build();
    }

    /**
     * What keeps {@code model} from training on this run's data, or null when it fits: its context must hold
     * the preset's windows and its vocabulary must be the tokenizer's.
     */
    public String misfit(GptConfig model) {
        int windows = preset.model().contextLength();
        if (model.contextLength() < windows) {
            return "the model's context length is " + model.contextLength() + " but preset " + preset.name()
                    + " cuts the text into " + windows + "-token windows";
        }
        if (model.vocabSize() != tokenizer.vocabSize()) {
            return "the model's vocabulary has " + model.vocabSize() + " tokens but the run's tokenizer (" + preset.tokenizer()
                    + ") has " + tokenizer.vocabSize();
        }
        return null;
    }

    /** meta.model's fields that decide what the weights are (dropout does not), with the words an error uses. */
    private static final List<String[]> SHAPE = List.of(new String[] {"vocab_size", "vocabulary"},
            new String[] {"context_length", "context length"}, new String[] {"emb_dim", "width"},
            new String[] {"n_layers", "blocks"}, new String[] {"n_heads", "heads"}, new String[] {"qkv_bias", "qkv bias"},
            new String[] {"tied_head", "tied head"}, new String[] {"activation", "activation"});

    /**
     * Fails, naming the checkpoint and what differs, when {@code checkpoint} was written by a run of another
     * preset, model shape, tokenizer or data than this run training {@code model}: its weights would not fit,
     * or would continue on something else than they learned. A checkpoint without the metadata (a bare
     * {@link Trainer}'s) is not checked.
     *
     * @param remedy what to do instead, in the caller's terms
     */
    public void checkResumable(Checkpoint checkpoint, GptConfig model, String remedy) {
        JsonNode theirs = checkpoint.meta();
        if (theirs == null || !theirs.path("model").has("vocab_size")) return;
        ObjectNode ours = meta(model);
        List<String> differences = new ArrayList<>();
        String theirPreset = theirs.path("preset").asText("?");
        if (!theirPreset.equals(preset.name())) differences.add("preset " + theirPreset + " vs " + preset.name());
        for (String[] field : SHAPE) {
            JsonNode t = theirs.path("model").get(field[0]);
            String then = t == null || t.isNull() ? (field[0].equals("activation") ? GptConfig.Activation.GELU_TANH.hfName() : null) : t.asText();
            String now = ours.path("model").path(field[0]).asText();
            if (then != null && !then.equals(now)) differences.add(field[1] + " " + then + " vs " + now);
        }
        JsonNode theirTokenizer = theirs.path("tokenizer");
        if (!theirTokenizer.isMissingNode() && !theirTokenizer.equals(ours.get("tokenizer"))) {
            String then = theirTokenizer.path("type").asText("?");
            String now = ours.path("tokenizer").path("type").asText();
            differences.add("tokenizer " + (then.equals(now) ? then + " with another vocabulary" : then + " vs " + now));
        }
        if (theirs.has("datasets") && !sameData(theirs.path("datasets"), ours.path("datasets"))) {
            String then = dataNames(theirs.path("datasets"));
            String now = dataNames(ours.path("datasets"));
            differences.add("data " + (then.equals(now) ? then + " with other contents (another sha256)" : then + " vs " + now));
        }
        if (differences.isEmpty()) return;
        throw new CheckpointException(checkpoint.json(), "was written by " + describe(theirs) + " but this run is "
                + describe(ours) + "; they differ in " + String.join(", ", differences) + ": " + remedy);
    }

    /** The same texts in the same order: by sha256 where both runs know it, otherwise by name. */
    private static boolean sameData(JsonNode then, JsonNode now) {
        if (then.size() != now.size()) return false;
        for (int i = 0; i < then.size(); i++) {
            String shaThen = then.get(i).path("sha256").asText("");
            String shaNow = now.get(i).path("sha256").asText("");
            boolean sameName = then.get(i).path("name").asText().equals(now.get(i).path("name").asText());
            boolean same = !shaThen.isEmpty() && !shaNow.isEmpty() ? shaThen.equals(shaNow) : sameName;
            if (!same) return false;
        }
        return true;
    }

    private static String dataNames(JsonNode datasets) {
        List<String> names = new ArrayList<>();
        datasets.forEach(d -> names.add(d.path("name").asText()));
        return String.join(" + ", names);
    }

    /** "preset verdict-workshop (vocabulary 50257, 4 blocks × 256, context 128, tokenizer gpt2, data the-verdict)" */
    private static String describe(JsonNode meta) {
        JsonNode m = meta.path("model");
        return "preset " + meta.path("preset").asText("?") + " (vocabulary " + m.path("vocab_size").asText() + ", "
                + m.path("n_layers").asText() + " blocks × " + m.path("emb_dim").asText() + ", context "
                + m.path("context_length").asText() + ", tokenizer " + meta.path("tokenizer").path("type").asText("?")
                + ", data " + dataNames(meta.path("datasets")) + ")";
    }

    /** A greedy continuation of {@code prompt} (what the book prints after every epoch). */
    public String sample(GptModel model, String prompt, int tokens) {
        int[] ids = tokenizer.encode(prompt, Set.of());
        int room = model.config().contextLength() - ids.length;
        if (room < 1) return prompt;
        int[] out = Generator.generate(model, ids, GenerationConfig.greedy(Math.min(tokens, room))).newTokens();
        return prompt + tokenizer.decode(out);
    }
}
