package org.llmworkbench.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.llmworkbench.Json;
import org.llmworkbench.TorchTwin;
import org.llmworkbench.data.ClassificationBatch;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.io.StateDict;
import org.llmworkbench.train.AdamW;
import org.llmworkbench.train.BatchSource;
import org.llmworkbench.train.TrainConfig;
import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.Trainer;
import org.llmworkbench.train.TrainingListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * DPO and classifier fine-tuning against PyTorch (src/test/resources/torch/gpt_twin.py): the book's
 * {@code compute_logprobs} and DPO loss, and the book's chapter 6 / appendix E training (last block +
 * final norm + head, or LoRA adapters alone), on the same weights and batches.
 */
class TorchFinetuneTwinTest {
    static final GptConfig CONFIG = new GptConfig(50, 24, 16, 2, 2, 0.0, true, false);

    static <B> BatchSource<B> source(List<B> batches) {
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return batches.size();
            }

            @Override
            public Iterator<B> epoch(int epoch) {
                return batches.iterator();
            }
        };
    }

    /** Preference pairs of random ids with prompts and answers of different lengths, so masks and padding differ by row. */
    static List<PreferenceCollate.Batch> preferenceBatches(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        PreferenceCollate collate = new PreferenceCollate(0, true, 0);
        List<PreferenceCollate.Batch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            List<PreferenceCollate.Sample> samples = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int[] prompt = r.ints(2 + r.nextInt(6), 1, 50).toArray();
                int[] chosen = concat(prompt, r.ints(1 + r.nextInt(6), 1, 50).toArray());
                int[] rejected = concat(prompt, r.ints(1 + r.nextInt(6), 1, 50).toArray());
                samples.add(new PreferenceCollate.Sample(chosen, rejected, prompt.length));
            }
            out.add(collate.collate(samples, new int[] {0, 1, 2}));
        }
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int[][] ones(boolean[][] mask) {
        int[][] out = new int[mask.length][];
        for (int r = 0; r < mask.length; r++) {
            out[r] = new int[mask[r].length];
            for (int c = 0; c < mask[r].length; c++) out[r][c] = mask[r][c] ? 1 : 0;
        }
        return out;
    }

    /**
     * The mean log-probabilities of the answers (prompt and padding masked), the per-example losses and
     * rewards, and three DPO training steps: the same as the book's PyTorch code.
     */
    @Test
    void dpoScoresLossesAndStepsMatchTheBooksPyTorchCode(@TempDir Path dir) throws Exception {
        TorchTwin.assumeAvailable();
        int steps = 3;
        List<PreferenceCollate.Batch> batches = preferenceBatches(steps, 4);
        TrainConfig train = TrainConfig.builder().maxSteps(steps).learningRate(2e-3).weightDecay(0.01)
                .decay(AdamW.DecayPolicy.ALL).seed(3).build();
        try (GptModel policy = GptModel.create(CONFIG, 1); GptModel reference = GptModel.create(CONFIG, 2)) {
            TorchTwin.randomize(reference.parameters(), 12);
            policy.loadStateDict(reference.parameters());
            // the policy a little way from the reference, so that logits, losses and rewards are not 0
            Map<String, NDArray> p = policy.parameters();
            SplittableRandom r = new SplittableRandom(13);
            for (NDArray a : p.values()) {
                float[] v = a.toFloatArray();
                for (int i = 0; i < v.length; i++) v[i] += (float) (0.05 * r.nextGaussian());
                a.set(v);
            }
            ObjectNode spec = TorchTwin.training(train, steps).put("task", "dpo").put("beta", 0.1);
            spec.set("config", TorchTwin.config(CONFIG));
            ArrayNode json = spec.putArray("batches");
            for (PreferenceCollate.Batch b : batches) {
                ObjectNode o = json.addObject();
                o.set("chosen", Json.MAPPER.valueToTree(b.chosen()));
                o.set("rejected", Json.MAPPER.valueToTree(b.rejected()));
                o.set("chosenMask", Json.MAPPER.valueToTree(ones(b.chosenMask())));
                o.set("rejectedMask", Json.MAPPER.valueToTree(ones(b.rejectedMask())));
            }
            StateDict weights = TorchTwin.stateDict(policy.parameters(), "policy.");
            TorchTwin.stateDict(reference.parameters(), "reference.").tensors().forEach(weights::put);
            TorchTwin.Result torch = TorchTwin.run(dir, spec, weights);

            DpoObjective dpo = new DpoObjective(policy, reference, 0.1);
            boolean gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (NDManager scope = policy.manager().newSubManager()) {
                DpoObjective.Scores s = dpo.scores(scope, batches.get(0), false);
                String[][] pairs = {{"policyChosen", "first.policyChosen"}, {"policyRejected", "first.policyRejected"},
                        {"referenceChosen", "first.referenceChosen"}, {"referenceRejected", "first.referenceRejected"},
                        {"losses", "first.losses"}, {"chosenRewards", "first.chosenRewards"},
                        {"rejectedRewards", "first.rejectedRewards"}};
                NDArray[] ours = {s.policyChosen(), s.policyRejected(), s.referenceChosen(), s.referenceRejected(), s.losses(),
                        s.chosenRewards(), s.rejectedRewards()};
                for (int i = 0; i < pairs.length; i++) {
                    float[] theirs = torch.tensor(pairs[i][1]);
                    assertThat(TorchTwin.maxAbsolute(ours[i].toFloatArray(), theirs)).as(pairs[i][0]).isLessThan(1e-5);
                }
                float[] rewards = s.chosenRewards().toFloatArray();
                assertThat(Math.abs(rewards[0])).as("the policy differs from the reference").isGreaterThan(1e-3f);
            } finally {
                JniUtils.setGradMode(gradMode);
            }

            List<Double> losses = new ArrayList<>();
            List<Double> norms = new ArrayList<>();
            Trainer.builder(policy.parameters(), dpo, source(batches), train).listener(new TrainingListener() {
                @Override
                public void onStep(Step s) {
                    losses.add(s.loss());
                    norms.add(s.gradNorm());
                }
            }).build().run();
            double[] torchLoss = torch.doubles("losses");
            double[] torchNorm = torch.doubles("gradNorms");
            for (int s = 0; s < steps; s++) {
                assertThat(losses.get(s)).as("DPO loss at step %d", s).isCloseTo(torchLoss[s], within(1e-5));
                assertThat(norms.get(s)).as("gradient norm at step %d", s).isCloseTo(torchNorm[s], within(1e-5 * torchNorm[s]));
            }
            double worst = 0;
            for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
                float[] theirs = torch.tensor("policy." + e.getKey());
                if (e.getKey().endsWith("W_key.bias")) continue; // no gradient: see TorchTrainingTwinTest
                double d = TorchTwin.maxAbsolute(e.getValue().toFloatArray(), theirs);
                worst = Math.max(worst, d);
                assertThat(d).as("policy %s after %d steps", e.getKey(), steps).isLessThan(1e-5);
            }
            System.out.printf("torch twin, DPO: losses %s vs %s, policy weights max |diff| %.2e%n", losses,
                    java.util.Arrays.toString(torchLoss), worst);
        }
    }

    /** Random messages of different lengths, right-padded with id 0, labels 0 or 1. */
    static List<ClassificationBatch> classificationBatches(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ClassificationBatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int rows = 4;
            int width = 10;
            int[][] ids = new int[rows][width];
            int[] lengths = new int[rows];
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                lengths[i] = 3 + r.nextInt(width - 2);
                for (int k = 0; k < lengths[i]; k++) ids[i][k] = 1 + r.nextInt(49);
                labels[i] = r.nextInt(2);
            }
            out.add(new ClassificationBatch(ids, lengths, labels));
        }
        return out;
    }

    /**
     * The book's chapter 6 fine-tune (last block, final norm and head train; the class head reads the
     * last real token) and appendix E's LoRA (adapters on every linear layer and the head, scaled by
     * alpha / r; only they train): which parameters train, the class logits, four AdamW steps.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"last-block", "lora"})
    void classifierFineTuningMatchesPyTorch(String mode, @TempDir Path dir) throws Exception {
        TorchTwin.assumeAvailable();
        boolean lora = mode.equals("lora");
        int steps = 4;
        List<ClassificationBatch> batches = classificationBatches(steps, 6);
        TrainConfig train = TrainConfig.builder().maxSteps(steps).learningRate(lora ? 5e-3 : 2e-3).weightDecay(0.1)
                .decay(AdamW.DecayPolicy.ALL).seed(3).build();
        try (GptClassifier classifier = new GptClassifier(GptModel.create(CONFIG, 1), 2, 5)) {
            TorchTwin.randomize(classifier.model().parameters(), 14);
            LoraConfig loraConfig = new LoraConfig(4, 8);
            Map<String, NDArray> trainable = classifier.prepare(lora ? FinetuneMode.LORA : FinetuneMode.LAST_BLOCKS, 1,
                    lora ? loraConfig : null, 7);
            if (lora) {
                // B starts at zero (tested elsewhere); nonzero here so that alpha / r and both products count from step 0
                SplittableRandom r = new SplittableRandom(15);
                for (Map.Entry<String, NDArray> e : classifier.adapterParameters().entrySet()) {
                    if (!e.getKey().endsWith(".lora_B")) continue;
                    float[] v = new float[Math.toIntExact(e.getValue().getShape().size())];
                    for (int i = 0; i < v.length; i++) v[i] = (float) (0.2 * r.nextGaussian());
                    e.getValue().set(v);
                }
            }
            ObjectNode spec = TorchTwin.training(train, steps).put("task", "classify").put("numClasses", 2).put("trainableBlocks", 1);
            spec.set("config", TorchTwin.config(CONFIG));
            if (lora) spec.putObject("lora").put("rank", loraConfig.rank()).put("alpha", loraConfig.alpha());
            ArrayNode json = spec.putArray("batches");
            for (ClassificationBatch b : batches) {
                ObjectNode o = json.addObject();
                o.set("ids", Json.MAPPER.valueToTree(b.ids()));
                o.set("lengths", Json.MAPPER.valueToTree(b.lengths()));
                o.set("labels", Json.MAPPER.valueToTree(b.labels()));
            }
            TorchTwin.Result torch = TorchTwin.run(dir, spec, TorchTwin.stateDict(classifier.parameters(), ""));

            assertThat(trainable.keySet()).as("trainable parameters")
                    .containsExactlyInAnyOrderElementsOf(Json.MAPPER.convertValue(torch.scalars().get("trainable"), List.class));
            long count = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
            assertThat(count).isEqualTo(torch.scalars().get("trainableCount").asLong());
            boolean gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (NDManager scope = classifier.model().manager().newSubManager()) {
                float[] logits = classifier.logits(scope, batches.get(0), false).toFloatArray();
                assertThat(TorchTwin.maxAbsolute(logits, torch.tensor("first.logits"))).as("class logits").isLessThan(1e-5);
            } finally {
                JniUtils.setGradMode(gradMode);
            }

            Map<String, float[]> frozenBefore = new java.util.HashMap<>();
            classifier.parameters().forEach((n, a) -> {
                if (!trainable.containsKey(n)) frozenBefore.put(n, a.toFloatArray());
            });
            List<Double> losses = new ArrayList<>();
            TrainResult result = Trainer.builder(classifier.parameters(), new ClassificationObjective(classifier), source(batches), train)
                    .trainable(trainable).listener(new TrainingListener() {
                        @Override
                        public void onStep(Step s) {
                            losses.add(s.loss());
                        }
                    }).build().run();
            double[] torchLoss = torch.doubles("losses");
            for (int s = 0; s < steps; s++) {
                assertThat(losses.get(s)).as("loss at step %d", s).isCloseTo(torchLoss[s], within(1e-5 * torchLoss[s]));
            }
            assertThat(result.steps()).isEqualTo(steps);
            double worst = 0;
            for (Map.Entry<String, NDArray> e : classifier.parameters().entrySet()) {
                float[] ours = e.getValue().toFloatArray();
                if (frozenBefore.containsKey(e.getKey())) {
                    assertThat(ours).as("frozen %s", e.getKey()).containsExactly(frozenBefore.get(e.getKey()));
                }
                if (e.getKey().endsWith("W_key.bias")) continue; // no gradient: see TorchTrainingTwinTest
                double d = TorchTwin.maxAbsolute(ours, torch.tensor(e.getKey()));
                worst = Math.max(worst, d);
                assertThat(d).as("%s after %d steps", e.getKey(), steps).isLessThan(1e-5);
            }
            // accuracy over the last-token logits, as the twin counts it (our batches pad less: the pick ignores padding)
            List<int[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (ClassificationBatch b : batches) {
                for (int i = 0; i < b.size(); i++) {
                    rows.add(java.util.Arrays.copyOf(b.ids()[i], b.lengths()[i]));
                    labels.add(b.labels()[i]);
                }
            }
            org.llmworkbench.data.ClassificationDataset data = new org.llmworkbench.data.ClassificationDataset(rows,
                    labels.stream().mapToInt(Integer::intValue).toArray(), 0, CONFIG.contextLength());
            double accuracy = classifier.accuracy(data, 3);
            assertThat(accuracy).isEqualTo(torch.scalars().get("accuracy").asDouble());
            System.out.printf("torch twin, classifier %s: %d trainable, accuracy %.4f, losses %s vs %s, weights max |diff| %.2e%n", mode,
                    count, accuracy, losses, java.util.Arrays.toString(torchLoss), worst);
        }
    }
}
