package org.llmworkbench.finetune;

import org.llmworkbench.model.TensorMemory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.llmworkbench.data.ClassificationDataset;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.data.ClassificationBatch;
import org.llmworkbench.model.Dense;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.LowRankAdapter;
import org.llmworkbench.model.TokenTensors;
import org.llmworkbench.model.TransformerBlock;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A GPT turned classifier (the book's chapter 6): the vocabulary head is set aside and a small
 * head maps the final hidden state of ONE token to one logit per class.
 *
 * <p>Which token: the last real one of each message. With causal attention it is the only
 * position that has seen the whole message. The book reads the last position of the padded row,
 * which for every message shorter than the batch's longest is a padding token; reading the
 * true last token makes the prediction independent of how much padding a batch adds.
 *
 * <p>{@link #prepare} decides what trains: the last blocks + final norm + head (the book), every
 * parameter, or LoRA adapters on every dense layer and the head with all original weights frozen.
 */
public final class GptClassifier implements AutoCloseable {
    public static final String HEAD = "cls_head";

    private final GptModel model;
    private final Dense head;
    private final Map<String, NDArray> headParameters = new LinkedHashMap<>();
    private final Map<String, NDArray> adapterParameters = new LinkedHashMap<>();

    /**
     * A new head of {@code numClasses} outputs on the model, initialized like PyTorch's
     * {@code nn.Linear} (uniform in ±1/sqrt(embDim)) from the seed. The classifier owns the model
     * from now on: {@link #close()} closes it.
     */
    public GptClassifier(GptModel model, int numClasses, long seed) {
        if (numClasses < 2) throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + numClasses);
        this.model = model;
        long e = model.config().embDim();
        SplittableRandom random = new SplittableRandom(seed);
        double bound = 1 / Math.sqrt(e);
        NDArray w = parameter(HEAD + ".weight", uniform(random, numClasses * e, bound), numClasses, e);
        NDArray b = parameter(HEAD + ".bias", uniform(random, numClasses, bound), numClasses);
        this.head = new Dense(w, b);
        headParameters.put(w.getName(), w);
        headParameters.put(b.getName(), b);
    }

    public GptModel model() {
        return model;
    }

    public Dense head() {
        return head;
    }

    public int numClasses() {
        return Math.toIntExact(head.weight().getShape().get(0));
    }

    /** Class logits [batch, classes] of the last real token of every row. */
    public NDArray logits(NDManager scope, ClassificationBatch batch, boolean training) {
        int rows = batch.size();
        int length = batch.sequenceLength();
        float[] last = new float[rows * length];
        for (int r = 0; r < rows; r++) {
            last[r * length + batch.lengths()[r] - 1] = 1f;
        }
        NDArray ids = TokenTensors.of(scope, batch.ids());
        NDArray pick = scope.create(last, new Shape(rows, length, 1));
        NDArray hidden = model.hidden(ids, training);           // [batch, tokens, emb]
        NDArray lastToken = hidden.mul(pick).sum(new int[]{1});  // [batch, emb]: a one-hot pick keeps autograd simple
        return head.forward(lastToken);
    }

    /** Class probabilities of every example in dataset order, evaluation mode, no gradients recorded. */
    public List<double[]> probabilities(ClassificationDataset data, int batchSize) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        List<double[]> out = new ArrayList<>(data.size());
        try {
            Iterator<ClassificationBatch> batches = data.batches(batchSize, false, false, 0, 0);
            while (batches.hasNext()) {
                ClassificationBatch b = batches.next();
                try (NDManager scope = model.manager().newSubManager()) {
                    float[] p = logits(scope, b, false).softmax(-1).toFloatArray();
                    int c = numClasses();
                    for (int r = 0; r < b.size(); r++) {
                        double[] row = new double[c];
                        for (int k = 0; k < c; k++) row[k] = p[r * c + k];
                        out.add(row);
                    }
                }
            }
            return out;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The most probable class of every example. */
    public int[] predict(ClassificationDataset data, int batchSize) {
        List<double[]> p = probabilities(data, batchSize);
        int[] out = new int[p.size()];
        for (int i = 0; i < out.length; i++) {
            double[] row = p.get(i);
            int best = 0;
            for (int k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
            out[i] = best;
        }
        return out;
    }

    /** The share of examples whose most probable class is their label. */
    public double accuracy(ClassificationDataset data, int batchSize) {
        int[] predicted = predict(data, batchSize);
        int[] labels = data.labels();
        int right = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) right++;
        return labels.length == 0 ? Double.NaN : (double) right / labels.length;
    }

    /** Every parameter by name: the model's (its vocabulary head included), the head's, and LoRA adapters if attached. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> all = new LinkedHashMap<>(model.parameters());
        all.putAll(headParameters);
        all.putAll(adapterParameters);
        return all;
    }

    /** The head's weight and bias. */
    public Map<String, NDArray> headParameters() {
        return Map.copyOf(headParameters);
    }

    /** The LoRA A and B matrices by name ({@code <layer>.lora_A}, {@code <layer>.lora_B}); empty without LoRA. */
    public Map<String, NDArray> adapterParameters() {
        return new LinkedHashMap<>(adapterParameters);
    }

    /**
     * Sets which parameters train and returns them by name (what {@code Trainer.trainable} takes);
     * every other parameter gets its gradient turned off.
     *
     * @param trainableBlocks for {@link FinetuneMode#LAST_BLOCKS}: how many of the last blocks train (book: 1)
     * @param lora            for {@link FinetuneMode#LORA}: rank and alpha
     * @param seed            draws the LoRA A matrices
     */
    public Map<String, NDArray> prepare(FinetuneMode mode, int trainableBlocks, LoraConfig lora, long seed) {
        int layers = model.config().nLayers();
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        switch (mode) {
            case FULL -> trainable.putAll(model.parameters());
            case LAST_BLOCKS -> {
                if (trainableBlocks < 0 || trainableBlocks > layers) {
                    throw new IllegalArgumentException("trainableBlocks must be in [0, " + layers + "] for a model of "
                            + layers + " blocks, got " + trainableBlocks);
                }
                model.parameters().forEach((name, p) -> {
                    if (name.startsWith("final_norm.") || blockIndex(name) >= layers - trainableBlocks) trainable.put(name, p);
                });
            }
            case LORA -> {
                if (lora == null) throw new IllegalArgumentException("LoRA mode needs a LoraConfig (rank, alpha)");
                attachAdapters(lora, seed);
            }
        }
        if (mode != FinetuneMode.LORA) trainable.putAll(headParameters);
        trainable.putAll(adapterParameters);
        // a tied head shares tok_emb: one array, frozen or trainable as its tok_emb name says
        // (identity, not equals: DJL's NDArray.equals compares contents)
        java.util.Set<NDArray> trains = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        trains.addAll(trainable.values());
        for (NDArray p : parameters().values()) p.setRequiresGradient(trains.contains(p));
        return trainable;
    }

    /** Dense layers of the blocks by state-dict prefix, plus the head: what LoRA adapts. */
    public Map<String, Dense> denseLayers() {
        Map<String, Dense> layers = new LinkedHashMap<>();
        for (int i = 0; i < model.blocks().size(); i++) {
            TransformerBlock block = model.blocks().get(i);
            String p = "trf_blocks." + i + ".";
            layers.put(p + "att.W_query", block.attention().query());
            layers.put(p + "att.W_key", block.attention().key());
            layers.put(p + "att.W_value", block.attention().value());
            layers.put(p + "att.out_proj", block.attention().out());
            layers.put(p + "ff.layers.0", block.feedForward().expand());
            layers.put(p + "ff.layers.2", block.feedForward().project());
        }
        layers.put(HEAD, head);
        return layers;
    }

    /** Trainable values LoRA adds to a model of this shape (computed from shapes, nothing allocated). */
    public static long loraParameterCount(org.llmworkbench.model.GptConfig config, int numClasses, LoraConfig lora) {
        long e = config.embDim();
        long perBlock = 4 * lora.adapterParameters(e, e) + lora.adapterParameters(e, 4 * e) + lora.adapterParameters(4 * e, e);
        return config.nLayers() * perBlock + lora.adapterParameters(e, numClasses);
    }

    private void attachAdapters(LoraConfig lora, long seed) {
        if (!adapterParameters.isEmpty()) throw new IllegalStateException("LoRA adapters are already attached");
        SplittableRandom random = new SplittableRandom(seed);
        denseLayers().forEach((name, dense) -> {
            long in = dense.weight().getShape().get(1);
            long out = dense.weight().getShape().get(0);
            // A uniform in ±1/√in (PEFT) or ±1/√r (the book); B zero, so training starts from the frozen model's outputs
            NDArray a = parameter(name + ".lora_A", uniform(random, lora.rank() * in, lora.initBound(in)), lora.rank(), in);
            NDArray b = parameter(name + ".lora_B", new float[Math.toIntExact(out * lora.rank())], out, lora.rank());
            new LowRankAdapter(a, b, lora.scale()).attachTo(dense);
            adapterParameters.put(a.getName(), a);
            adapterParameters.put(b.getName(), b);
        });
    }

    /** Folds every adapter into its weight ({@code W += scale B A}) and drops the adapters: plain layers for inference. */
    public void mergeAdapters() {
        denseLayers().values().forEach(LowRankAdapter::merge);
        adapterParameters.values().forEach(NDArray::close);
        adapterParameters.clear();
    }

    /** One row per component (embeddings, each block, final norm, vocabulary head, class head, LoRA): parameters and whether they train. */
    public Table parameterTable(Map<String, NDArray> trainable) {
        Map<String, long[]> rows = new LinkedHashMap<>(); // component → {count, trainable count}
        for (Map.Entry<String, NDArray> e : parameters().entrySet()) {
            String component = component(e.getKey());
            long n = e.getValue().getShape().size();
            long[] row = rows.computeIfAbsent(component, k -> new long[2]);
            row[0] += n;
            if (trainable.containsKey(e.getKey())) row[1] += n;
        }
        StringColumn name = StringColumn.create("component");
        LongColumn count = LongColumn.create("parameters");
        LongColumn trains = LongColumn.create("trainable");
        BooleanColumn any = BooleanColumn.create("trains");
        long total = 0;
        long totalTrainable = 0;
        for (Map.Entry<String, long[]> r : rows.entrySet()) {
            name.append(r.getKey());
            count.append(r.getValue()[0]);
            trains.append(r.getValue()[1]);
            any.append(r.getValue()[1] > 0);
            total += r.getValue()[0];
            totalTrainable += r.getValue()[1];
        }
        name.append("total");
        count.append(total);
        trains.append(totalTrainable);
        any.append(totalTrainable > 0);
        return Table.create("parameters", name, count, trains, any);
    }

    private static String component(String name) {
        if (name.endsWith(".lora_A") || name.endsWith(".lora_B")) return "LoRA adapters";
        if (name.startsWith("trf_blocks.")) return "block " + blockIndex(name);
        if (name.startsWith(HEAD)) return "class head";
        if (name.startsWith("out_head")) return "vocabulary head (unused)";
        if (name.startsWith("final_norm")) return "final norm";
        return "embeddings";
    }

    private static int blockIndex(String name) {
        if (!name.startsWith("trf_blocks.")) return -1;
        int dot = name.indexOf('.', "trf_blocks.".length());
        return Integer.parseInt(name.substring("trf_blocks.".length(), dot));
    }

    private NDArray parameter(String name, float[] values, long... shape) {
        NDArray p = TensorMemory.owned(model.manager().create(values, new Shape(shape))); // libtorch's memory, not a Java buffer
        p.setName(name);
        p.setRequiresGradient(true);
        return p;
    }

    private static float[] uniform(SplittableRandom random, long n, double bound) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        return v;
    }

    @Override
    public void close() {
        model.close();
    }
}
