package org.llmworkbench;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.io.Safetensors;
import org.llmworkbench.model.io.StateDict;
import org.llmworkbench.train.TrainConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code src/test/resources/torch/gpt_twin.py}, the book's GPT written in PyTorch, with Debian's
 * {@code /usr/bin/python3} and its torch (1.13): the test writes weights and a spec, PyTorch trains
 * with its own cross-entropy, clipping and AdamW, and the test compares the numbers. Without that
 * Python the calling test is skipped, saying so on stderr.
 */
public final class TorchTwin {
    public static final Path PYTHON = Path.of(System.getProperty("workbench.torch.python", "/usr/bin/python3"));
    private static Boolean available;

    private TorchTwin() {}

    /** Skips the calling test, saying why on stderr too, unless the Python has torch and numpy. */
    public static synchronized void assumeAvailable() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        if (!available) {
            String why = "SKIPPED: " + PYTHON + " cannot import torch and numpy (apt-get install python3-torch), "
                    + "so the PyTorch cross-check does not run";
            System.err.println(why);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, why);
        }
    }

    /** What the twin wrote: its tensors by name and its scalars. */
    public record Result(StateDict tensors, JsonNode scalars) {
        public float[] tensor(String name) {
            NamedTensor t = tensors.get(name);
            assertThat(t).as("the twin wrote no tensor '%s'", name).isNotNull();
            return t.data();
        }

        public double[] doubles(String field) {
            JsonNode a = scalars.get(field);
            assertThat(a).as("the twin wrote no '%s'", field).isNotNull();
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
            return out;
        }
    }

    /** Writes {@code weights} and {@code spec} into {@code dir}, runs the twin there and reads what it wrote. */
    public static Result run(Path dir, ObjectNode spec, StateDict weights) throws IOException, InterruptedException {
        assumeAvailable();
        Path script = dir.resolve("gpt_twin.py");
        try (InputStream in = TorchTwin.class.getResourceAsStream("/torch/gpt_twin.py")) {
            Files.copy(in, script);
        }
        // its file reader, shared with the bench's twins
        Files.copy(Path.of("bench", "safetensors_f32.py"), dir.resolve("safetensors_f32.py"));
        Files.writeString(dir.resolve("spec.json"), Json.MAPPER.writeValueAsString(spec));
        Safetensors.write(dir.resolve("in.safetensors"), weights);
        Path log = dir.resolve("twin.log");
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gpt_twin.py ran over 300 s; output:\n" + Files.readString(log));
        }
        assertThat(p.exitValue()).as("gpt_twin.py failed:%n%s", Files.readString(log, StandardCharsets.UTF_8)).isZero();
        return new Result(Safetensors.read(dir.resolve("out.safetensors")),
                Json.MAPPER.readTree(dir.resolve("out.json").toFile()));
    }

    /** The model's shape as the twin reads it. */
    public static ObjectNode config(GptConfig c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("vocabSize", c.vocabSize()).put("contextLength", c.contextLength()).put("embDim", c.embDim())
                .put("nLayers", c.nLayers()).put("nHeads", c.nHeads()).put("qkvBias", c.qkvBias())
                .put("tiedHead", c.tiedHead()).put("activation", c.activation().name());
        if (c.dropRate() != 0) throw new IllegalArgumentException("the twin has no dropout (its masks could not match ours)");
        return o;
    }

    /** The optimizer, clipping and schedule of a config as the twin reads them (for {@code steps} steps). */
    public static ObjectNode training(TrainConfig t, long steps) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("steps", steps).put("gradAccumulation", t.gradAccumulation()).put("clipNorm", t.clipNorm());
        o.putObject("optimizer").put("beta1", t.optimizer().beta1()).put("beta2", t.optimizer().beta2())
                .put("eps", t.optimizer().eps()).put("weightDecay", t.optimizer().weightDecay())
                .put("decay", t.optimizer().decay().name());
        o.putObject("schedule").put("initial", t.initialLearningRate()).put("peak", t.learningRate())
                .put("floor", t.minLearningRate()).put("warmupSteps", t.warmupSteps()).put("cosine", t.cosine());
        return o;
    }

    /**
     * Every parameter replaced by seeded values of a scale that makes every part of the network matter:
     * weights N(0, 0.15), biases and shifts N(0, 0.1), norm scales 1 + N(0, 0.1). (Fresh GPT-2 weights,
     * N(0, 0.02) with zero biases and unit scales, would leave biases and norms out of the comparison.)
     */
    public static void randomize(Map<String, NDArray> parameters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            float[] v = new float[Math.toIntExact(p.getShape().size())];
            for (int i = 0; i < v.length; i++) {
                double g = random.nextGaussian();
                v[i] = (float) (name.endsWith(".scale") ? 1 + 0.1 * g
                        : name.endsWith(".bias") || name.endsWith(".shift") ? 0.1 * g : 0.15 * g);
            }
            p.set(v);
        }
    }

    /** The arrays as a state dict (copies), for {@link #run}. */
    public static StateDict stateDict(Map<String, NDArray> parameters, String prefix) {
        StateDict sd = new StateDict();
        parameters.forEach((name, p) -> sd.put(NamedTensor.fromNDArray(prefix + name, p)));
        return sd;
    }

    /** The largest |a - b| / (|b| + floor) over the elements. */
    public static double maxRelative(float[] a, float[] b, double floor) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((double) a[i] - b[i]) / (Math.abs(b[i]) + floor));
        return worst;
    }

    /** The largest |a - b| over the elements. */
    public static double maxAbsolute(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
        return worst;
    }
}
