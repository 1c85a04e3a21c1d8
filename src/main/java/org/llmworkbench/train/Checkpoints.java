package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.AtomicFiles;
import org.llmworkbench.model.TensorMemory;
import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.io.Safetensors;
import org.llmworkbench.model.io.StateDict;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes, finds, checks and prunes the checkpoints of one run directory ({@code RUN/checkpoints}).
 * See {@link Checkpoint} for the two files of a checkpoint.
 */
public final class Checkpoints {
    static final String FORMAT = "llm-workbench-checkpoint";
    private static final Pattern NAME = Pattern.compile("step-(\\d{8})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public Checkpoints(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    public Path dir() {
        return dir;
    }

    /** What the trainer knows at a step boundary. */
    record Progress(long step, int epoch, int batchInEpoch, long tokens, double valLoss, double bestValLoss, long seed) {}

    /** Writes weights and optimizer state, then the JSON that makes the checkpoint exist. */
    Path save(Progress progress, Map<String, NDArray> model, AdamW optimizer, JsonNode meta, TrainingMetrics metrics)
            throws IOException {
        String base = String.format("step-%08d", progress.step());
        Path weights = dir.resolve(base + ".safetensors");
        Path json = dir.resolve(base + ".json");
        StateDict state = new StateDict();
        model.forEach((name, a) -> state.put(NamedTensor.fromNDArray("model." + name, a)));
        optimizer.state().forEach((name, a) -> state.put(NamedTensor.fromNDArray("optim." + name, a)));
        Files.createDirectories(dir);
        Safetensors.write(weights, state);
        ObjectNode node = JSON.createObjectNode();
        node.put("format", FORMAT);
        node.put("version", 1);
        node.put("step", progress.step());
        node.put("epoch", progress.epoch());
        node.put("batch_in_epoch", progress.batchInEpoch());
        node.put("tokens", progress.tokens());
        node.put("optimizer_steps", optimizer.stepCount());
        node.put("seed", progress.seed());
        putDouble(node, "val_loss", progress.valLoss());
        putDouble(node, "best_val_loss", progress.bestValLoss());
        node.put("weights", weights.getFileName().toString());
        node.put("weights_bytes", Files.size(weights));
        node.put("weights_sha256", sha256(weights));
        node.set("meta", meta == null ? JSON.createObjectNode() : meta);
        node.set("metrics", metrics.toJson(JSON));
        AtomicFiles.writeBytes(json, JSON.writeValueAsBytes(node));
        return json;
    }

    private static void putDouble(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) node.putNull(field); else node.put(field, value);
    }

    /** Every checkpoint JSON in the directory, oldest step first (not yet checked). */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /**
     * Fails, changing nothing, when the directory already holds checkpoints: a run from scratch there
     * would overwrite the checkpoints of the steps both runs reach, leave the earlier run's later ones
     * behind (a resume would then continue the earlier run) and prune among both runs' files.
     *
     * @param remedy what to do instead, in the caller's terms (its options or methods)
     */
    public void requireNoneBeforeAFreshRun(String remedy) throws IOException {
        List<Path> all = list();
        if (all.isEmpty()) return;
        String which = all.size() == 1 ? "a checkpoint (" + all.get(0).getFileName() + ")"
                : all.size() + " checkpoints (" + all.get(0).getFileName() + " to " + all.get(all.size() - 1).getFileName() + ")";
        throw new IllegalStateException(dir + " already holds " + which + " of an earlier run, which a run from scratch "
                + "there would overwrite and prune; " + remedy);
    }

    /** The newest checkpoint, checked; fails naming the file when it is unusable (and the one before it, if any). */
    public Checkpoint latest() throws IOException {
        List<Path> all = list();
        if (all.isEmpty()) throw new CheckpointException(dir, "no checkpoint (step-NNNNNNNN.json) found to resume from");
        Path newest = all.get(all.size() - 1);
        try {
            return read(newest);
        } catch (CheckpointException e) {
            String previous = all.size() > 1 ? "; the previous checkpoint " + all.get(all.size() - 2)
                    + " may still be usable: resume from it explicitly, or delete the broken one" : "";
            throw new CheckpointException(e.file(), e.getMessage().substring(e.file().toString().length() + 2)
                    + " (newest checkpoint " + newest.getFileName() + ")" + previous, e);
        }
    }

    /** Reads and checks one checkpoint JSON and the size and sha256 of its weights file. */
    public static Checkpoint read(Path json) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readAllBytes(json));
        } catch (NoSuchFileException e) {
            throw new CheckpointException(json, "no such checkpoint file");
        } catch (JsonProcessingException e) {
            throw new CheckpointException(json, "not valid JSON (truncated or corrupt?): " + e.getOriginalMessage());
        }
        if (node == null || !FORMAT.equals(node.path("format").asText())) {
            throw new CheckpointException(json, "not an llm-workbench checkpoint (no \"format\": \"" + FORMAT + "\")");
        }
        for (String field : List.of("step", "epoch", "batch_in_epoch", "tokens", "weights", "weights_bytes", "weights_sha256")) {
            if (!node.hasNonNull(field)) throw new CheckpointException(json, "field '" + field + "' is missing");
        }
        Path weights = json.resolveSibling(node.get("weights").asText());
        if (!Files.isRegularFile(weights)) {
            throw new CheckpointException(weights, "weights file of checkpoint " + json.getFileName() + " is missing");
        }
        long size = Files.size(weights);
        if (size != node.get("weights_bytes").asLong()) {
            throw new CheckpointException(weights, "has " + size + " bytes, its checkpoint " + json.getFileName()
                    + " recorded " + node.get("weights_bytes").asLong() + " (truncated or overwritten)");
        }
        String sha = sha256(weights);
        if (!sha.equals(node.get("weights_sha256").asText())) {
            throw new CheckpointException(weights, "sha256 " + sha + " does not match " + node.get("weights_sha256").asText()
                    + " recorded in " + json.getFileName() + " (the file is corrupt)");
        }
        double val = node.hasNonNull("val_loss") ? node.get("val_loss").asDouble() : Double.NaN;
        return new Checkpoint(json, weights, node.get("step").asLong(), node.get("epoch").asInt(),
                node.get("batch_in_epoch").asInt(), node.get("tokens").asLong(), val, node.path("meta"), node.path("metrics"));
    }

    /** Copies the checkpoint's model weights into {@code model} and its moments into {@code optimizer} (may be null). */
    public static void restore(Checkpoint checkpoint, Map<String, NDArray> model, AdamW optimizer) throws IOException {
        StateDict state;
        try {
            state = Safetensors.read(checkpoint.weights());
        } catch (RuntimeException e) {
            throw new CheckpointException(checkpoint.weights(), "cannot be read: " + e.getMessage(), e);
        }
        for (Map.Entry<String, NDArray> e : model.entrySet()) {
            NamedTensor t = state.get("model." + e.getKey());
            if (t == null) {
                throw new CheckpointException(checkpoint.weights(), "has no tensor 'model." + e.getKey()
                        + "': it was saved from a different model");
            }
            if (t.data().length != e.getValue().getShape().size()) {
                throw new CheckpointException(checkpoint.weights(), "tensor 'model." + e.getKey() + "' has "
                        + t.data().length + " values, the model's parameter has shape " + e.getValue().getShape());
            }
            TensorMemory.copyInto(e.getValue(), t.data());
        }
        if (optimizer != null) {
            Map<String, float[]> moments = new LinkedHashMap<>();
            for (NamedTensor t : state.tensors()) {
                if (t.name().startsWith("optim.")) moments.put(t.name().substring("optim.".length()), t.data());
            }
            try {
                optimizer.load(moments, checkpoint.step());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(checkpoint.weights(), e.getMessage(), e);
            }
        }
    }

    /** Deletes all but the newest {@code keepLast} checkpoints and the one with the lowest validation loss. */
    void prune(int keepLast) throws IOException {
        List<Path> all = list();
        Path best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (Path p : all) {
            try {
                JsonNode node = JSON.readTree(p.toFile());
                if (node.hasNonNull("val_loss") && node.get("val_loss").asDouble() < bestLoss) {
                    bestLoss = node.get("val_loss").asDouble();
                    best = p;
                }
            } catch (IOException e) {
                // unreadable: not a candidate for "best"; it ages out like any other
            }
        }
        List<Path> doomed = new ArrayList<>(all.subList(0, Math.max(0, all.size() - keepLast)));
        doomed.remove(best);
        for (Path json : doomed) {
            Matcher m = NAME.matcher(json.getFileName().toString());
            if (!m.matches()) continue;
            Files.deleteIfExists(json); // the JSON first: without it the weights are no checkpoint
            Files.deleteIfExists(dir.resolve("step-" + m.group(1) + ".safetensors"));
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
