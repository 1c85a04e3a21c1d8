package org.llmworkbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.llmworkbench.Json;
import org.llmworkbench.TorchTwin;
import org.llmworkbench.data.Batch;
import org.llmworkbench.eval.Perplexity;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.Losses;
import org.llmworkbench.model.TokenTensors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Our training path against PyTorch's own (tests/resources/torch/gpt_twin.py): the same weights and
 * batches, the book's GPT in PyTorch with {@code F.cross_entropy(ignore_index=-100)},
 * {@code clip_grad_norm_} and {@code torch.optim.AdamW}; gradients, losses, gradient norms, learning
 * rates and the weights after several steps must agree to float precision.
 */
class TorchTrainingTwinTest {
    static final int VOCAB = 50;
    static final int TOKENS = 8;

    /** Rows of random ids; targets are the next ids, with a run of -100 at the end of some rows (padding) and at the start of others (a masked prompt). */
    static List<Batch> batches(int count, int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int[][] inputs = new int[rows][TOKENS];
            int[][] targets = new int[rows][TOKENS];
            for (int i = 0; i < rows; i++) {
                int[] seq = r.ints(TOKENS + 1, 0, VOCAB).toArray();
                System.arraycopy(seq, 0, inputs[i], 0, TOKENS);
                System.arraycopy(seq, 1, targets[i], 0, TOKENS);
                int masked = r.nextInt(TOKENS - 1);  // up to 6 of 8 ignored: rows count unequally
                boolean prompt = r.nextBoolean();
                for (int k = 0; k < masked; k++) targets[i][prompt ? k : TOKENS - 1 - k] = Losses.IGNORE_INDEX;
            }
            out.add(new Batch(inputs, targets, new int[rows]));
        }
        return out;
    }

    static ArrayNode json(List<Batch> batches) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Batch b : batches) {
            ObjectNode o = a.addObject();
            o.set("inputs", Json.MAPPER.valueToTree(b.inputs()));
            o.set("targets", Json.MAPPER.valueToTree(b.targets()));
        }
        return a;
    }

    static BatchSource<Batch> source(List<Batch> batches) {
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return batches.size();
            }

            @Override
            public Iterator<Batch> epoch(int epoch) {
                return batches.iterator();
            }
        };
    }

    /**
     * One backward pass: the loss with ignored targets, the logits and every parameter's gradient, through
     * the recorded cross-entropy and through the fused output head (which training takes for large
     * batches), with a separate and with a tied head.
     */
    @ParameterizedTest(name = "fused head: {0}, tied: {1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void gradientsOfTheIgnoreIndexCrossEntropyMatchPyTorch(boolean fused, boolean tied, @TempDir Path dir) throws Exception {
        TorchTwin.assumeAvailable();
        GptConfig config = new GptConfig(VOCAB, 16, 16, 2, 2, 0.0, true, tied);
        Batch batch = batches(1, 3, 11).get(0);
        try (GptModel model = GptModel.create(config, 1)) {
            TorchTwin.randomize(model.parameters(), 5);
            ObjectNode spec = Json.MAPPER.createObjectNode().put("task", "grads");
            spec.set("config", TorchTwin.config(config));
            spec.set("batches", json(List.of(batch)));
            TorchTwin.Result torch = TorchTwin.run(dir, spec, TorchTwin.stateDict(model.parameters(), ""));

            float loss;
            float[] logits;
            try (NDManager scope = model.manager().newSubManager();
                 GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                if (fused) {
                    Objective.TrainingLoss l = new LanguageModelObjective(model).fusedTrainingLoss(scope, batch);
                    loss = l.value();
                    gc.backward(l.differentiable());
                } else {
                    NDArray l = Losses.crossEntropy(model.forward(TokenTensors.inputs(scope, batch), true), TokenTensors.targets(scope, batch));
                    loss = l.getFloat();
                    gc.backward(l);
                }
                try (NDManager eval = model.manager().newSubManager()) {
                    logits = model.forward(TokenTensors.inputs(eval, batch), false).toFloatArray();
                }
            }
            assertThat((double) loss).isCloseTo(torch.scalars().get("loss").asDouble(), within(2e-6 * Math.abs(loss)));
            assertThat(TorchTwin.maxAbsolute(logits, torch.tensor("logits"))).isLessThan(1e-5);
            double worst = 0;
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                float[] ours = e.getValue().getGradient().toFloatArray();
                float[] theirs = torch.tensor(e.getKey());
                double scale = 0;
                for (float x : theirs) scale = Math.max(scale, Math.abs(x));
                if (e.getKey().endsWith("W_key.bias")) {
                    // a key bias adds q·b to every score of a query alike, which softmax ignores: its gradient is 0 up to rounding
                    assertThat(scale).as("PyTorch's gradient of %s", e.getKey()).isLessThan(1e-7);
                    assertThat(TorchTwin.maxAbsolute(ours, new float[ours.length])).as("our gradient of %s", e.getKey()).isLessThan(1e-7);
                    continue;
                }
                assertThat(scale).as("%s has a gradient in PyTorch", e.getKey()).isGreaterThan(1e-3);
                double d = TorchTwin.maxAbsolute(ours, theirs) / scale;
                worst = Math.max(worst, d);
                assertThat(d).as("gradient of %s, max |diff| / max |grad|", e.getKey()).isLessThan(1e-5);
            }
            System.out.printf("torch twin, gradients (fused %s, tied %s): loss %.8f vs %.8f, worst gradient diff %.2e of the tensor's largest%n",
                    fused, tied, loss, torch.scalars().get("loss").asDouble(), worst);
        }
    }

    /**
     * Six optimizer steps through the {@link Trainer} against PyTorch's loop: two micro-batches per step,
     * clipping that is active on some steps, warmup then cosine, AdamW's decay groups. Key biases aside (their gradient is 0), the weights agree to ~1e-7. Case "book":
     * no qkv bias, separate head, tanh GELU, decay on every parameter; "gpt2": qkv bias, tied head,
     * exact GELU, decay on matrices and embeddings; "matrices": decay on weight matrices only.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"book, false, false, GELU_TANH, ALL", "gpt2, true, true, GELU, MATRICES_AND_EMBEDDINGS",
            "matrices, true, false, GELU_TANH, MATRICES"})
    void severalTrainingStepsMatchPyTorchsLoop(String name, boolean qkvBias, boolean tied, GptConfig.Activation activation,
                                               AdamW.DecayPolicy decay, @TempDir Path dir) throws Exception {
        TorchTwin.assumeAvailable();
        GptConfig config = new GptConfig(VOCAB, 16, 16, 2, 2, 0.0, qkvBias, tied, activation);
        int steps = 6;
        List<Batch> batches = batches(2 * steps, 3, 21);
        TrainConfig train = TrainConfig.builder().maxSteps(steps).gradAccumulation(2).learningRate(3e-3)
                .warmupCosine(3e-4, 2, 1e-4).betas(0.9, 0.95).eps(1e-8).weightDecay(0.1).decay(decay)
                .clipNorm(2.0).seed(7).build();
        try (GptModel model = GptModel.create(config, 1)) {
            TorchTwin.randomize(model.parameters(), 9);
            ObjectNode spec = TorchTwin.training(train, steps).put("task", "lm");
            spec.set("config", TorchTwin.config(config));
            spec.set("batches", json(batches));
            TorchTwin.Result torch = TorchTwin.run(dir, spec, TorchTwin.stateDict(model.parameters(), ""));

            List<Double> lrs = new ArrayList<>();
            List<Double> norms = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            Trainer<Batch> trainer = Trainer.builder(model.parameters(), new LanguageModelObjective(model), source(batches), train)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(Step s) {
                            lrs.add(s.learningRate());
                            norms.add(s.gradNorm());
                            losses.add(s.loss());
                        }
                    }).build();
            try (AdamW probe = new AdamW(model.parameters(), train.optimizer())) {
                assertThat(probe.decayed()).as("decayed parameters").containsExactlyInAnyOrderElementsOf(
                        Json.MAPPER.convertValue(torch.scalars().get("decayed"), List.class));
            }
            TrainResult result = trainer.run();

            double[] torchLr = torch.doubles("learningRates");
            double[] torchNorm = torch.doubles("gradNorms");
            double[] torchLoss = torch.doubles("losses");
            boolean clipped = false;
            boolean unclipped = false;
            for (int s = 0; s < steps; s++) {
                assertThat(lrs.get(s)).as("learning rate at step %d", s).isCloseTo(torchLr[s], within(1e-15));
                assertThat(norms.get(s)).as("gradient norm at step %d", s).isCloseTo(torchNorm[s], within(2e-5 * torchNorm[s]));
                assertThat(losses.get(s)).as("loss at step %d", s).isCloseTo(torchLoss[s], within(2e-5 * torchLoss[s]));
                clipped |= torchNorm[s] > 2.0;
                unclipped |= torchNorm[s] < 2.0;
            }
            assertThat(clipped).as("clipping acted on some step").isTrue();
            assertThat(unclipped).as("some step was not clipped").isTrue();
            assertThat(losses.get(steps - 1)).isLessThan(losses.get(0));

            double worstRel = 0;
            double worstAbs = 0;
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                float[] ours = e.getValue().toFloatArray();
                float[] theirs = torch.tensor(e.getKey());
                if (e.getKey().endsWith("W_key.bias")) {
                    // its true gradient is 0 (see the gradient test): AdamW scales the rounding noise up to steps
                    // of about lr, of either sign, in PyTorch as here; all one can ask is that it moved no further
                    assertThat(TorchTwin.maxAbsolute(ours, theirs)).as("%s", e.getKey()).isLessThan(2 * steps * 3e-3);
                    continue;
                }
                double abs = TorchTwin.maxAbsolute(ours, theirs);
                double rel = TorchTwin.maxRelative(ours, theirs, 1e-2);
                worstAbs = Math.max(worstAbs, abs);
                worstRel = Math.max(worstRel, rel);
                // an AdamW step moves a weight by up to ~lr (3e-3); float noise in a gradient moves it far less
                assertThat(abs).as("weights of %s after %d steps, max |diff|", e.getKey(), steps).isLessThan(2e-5);
            }
            // the trainer's final evaluation: mean of the batches' mean losses, and its perplexity
            double evalLoss = torch.scalars().get("evalLoss").asDouble();
            assertThat(result.trainLoss()).isCloseTo(evalLoss, within(2e-5 * evalLoss));
            assertThat(Perplexity.fromMeanCrossEntropy(result.trainLoss())).isCloseTo(torch.scalars().get("perplexity").asDouble(),
                    within(5e-5 * Math.exp(evalLoss)));
            System.out.printf("torch twin, %s: %d steps, losses %.6f -> %.6f (torch %.6f -> %.6f), grad norms %s vs %s,"
                            + " weights max |diff| %.2e, max rel %.2e%n", name, steps, losses.get(0), losses.get(steps - 1),
                    torchLoss[0], torchLoss[steps - 1], norms, java.util.Arrays.toString(torchNorm), worstAbs, worstRel);
        }
    }
}
