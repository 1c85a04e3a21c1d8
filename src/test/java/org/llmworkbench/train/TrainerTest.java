package org.llmworkbench.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.data.DataLoader;
import org.llmworkbench.data.SlidingWindowDataset;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerTest {
    static final GptConfig TINY = new GptConfig(40, 16, 32, 2, 4, 0.1, false, false);

    /** A text with structure (a repeating pattern plus noise) so that the loss can fall. */
    static int[] corpus(int n) {
        SplittableRandom r = new SplittableRandom(7);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(10) == 0 ? r.nextInt(40) : (i * 7) % 23;
        return ids;
    }

    static BatchSource<org.llmworkbench.data.Batch> loader(int[] ids, long seed) {
        return BatchSource.of(new DataLoader(new SlidingWindowDataset(ids, 16, 8), 4, true, true, seed));
    }

    static TrainConfig.Builder config() {
        return TrainConfig.builder().maxSteps(12).learningRate(3e-3).warmupCosine(0, 3, 3e-4).clipNorm(1.0)
                .evalEvery(4).evalBatches(2).checkpointEvery(4).keepLast(2).seed(11);
    }

    /**
     * Exact equality needs the same reduction order in every run: with a fixed intra-op thread count
     * that holds, but on a machine shared with other processes the math library may split work
     * differently (seen once: 3e-6 apart under load average 18 with 2 threads), so these runs use one.
     */
    static TrainResult train(TrainConfig config, Path runDir, Checkpoint resume) {
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        try {
            return trainWithCurrentThreads(config, runDir, resume);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    static TrainResult trainWithCurrentThreads(TrainConfig config, Path runDir, Checkpoint resume) {
        try (GptModel model = GptModel.create(TINY, 5)) {
            Trainer.Builder<org.llmworkbench.data.Batch> b = Trainer.builder(model.parameters(),
                    new LanguageModelObjective(model), loader(corpus(900), 3), config)
                    .validation(loader(corpus(300), 4));
            if (runDir != null) b.runDir(runDir);
            if (resume != null) b.resumeFrom(resume);
            return b.build().run();
        }
    }

    @Test
    void aTrainerRunsOnceAndASecondRunSaysHowToContinue(@TempDir Path dir) {
        try (GptModel model = GptModel.create(TINY, 5)) {
            Trainer<org.llmworkbench.data.Batch> trainer = Trainer.builder(model.parameters(), new LanguageModelObjective(model),
                    loader(corpus(900), 3), config().maxSteps(2).evalEvery(0).checkpointEvery(2).build()).runDir(dir).build();
            assertThat(trainer.run().steps()).isEqualTo(2);
            assertThatThrownBy(trainer::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("this trainer has run already")
                    .hasMessageContaining("resumes from new Checkpoints(" + dir + ").latest()");
            assertThat(dir.resolve("checkpoints/step-00000002.json")).exists();
        }
    }

    @Test
    void sameSeedGivesTheSameLossesAndTheLossFalls() {
        TrainResult a = train(config().build(), null, null);
        TrainResult b = train(config().build(), null, null);
        double[] la = a.stepLosses();
        assertThat(la).hasSize(12);
        assertThat(b.stepLosses()).containsExactly(la);
        assertThat(la[0]).isBetween(Math.log(40) - 0.5, Math.log(40) + 0.5);
        assertThat(a.trainLoss()).isLessThan(la[0] - 0.3);
        assertThat(a.steps()).isEqualTo(12);
        assertThat(a.tokens()).isEqualTo(12L * 4 * 16);
        // a different seed draws other dropout masks
        double[] lc = train(config().seed(12).build(), null, null).stepLosses();
        assertThat(lc[1]).isNotEqualTo(la[1]);
    }

    /**
     * DJL keeps an array made from Java data (token ids, a one-hot target, the number in
     * {@code q.mul(0.125)}) in a Java buffer that only the open array keeps alive, while autograd may
     * read it again in backward. Closed early (the trainer releasing the forward pass, DJL closing the
     * number's array at once), a garbage collection before backward freed that memory and the gradient
     * read whatever reused it: runs under memory pressure (a notebook drawing charts, a busy machine)
     * drifted from the same seed's other runs. Forced collections must change nothing.
     */
    @Test
    void garbageCollectionsDuringTrainingChangeNoGradient() throws InterruptedException {
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch (train() asks it for its thread count first)
        TrainConfig config = config().maxSteps(30).evalEvery(0).checkpointEvery(0).build();
        double[] quiet = gradientNorms(train(config, null, null));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!done.get()) {
                System.gc();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pounder");
        collector.setDaemon(true);
        collector.start();
        try {
            for (int run = 0; run < 3; run++) {
                assertThat(gradientNorms(train(config, null, null))).as("run %d under forced collections", run).containsExactly(quiet);
            }
        } finally {
            done.set(true);
            collector.join();
        }
    }

    static double[] gradientNorms(TrainResult r) {
        var column = (tech.tablesaw.api.DoubleColumn) r.metrics().column("grad_norm");
        return column.asDoubleArray();
    }

    @Test
    void resumingFromACheckpointReproducesTheUninterruptedRun(@TempDir Path dir) throws IOException {
        TrainResult full = train(config().build(), dir.resolve("full"), null);
        TrainResult first = train(config().maxSteps(12).build(), dir.resolve("part"), null);
        // keepLast 2 plus the best: the newest two checkpoints are steps 8 and 12
        List<Path> kept = new Checkpoints(dir.resolve("part")).list();
        assertThat(kept.stream().map(p -> p.getFileName().toString()))
                .contains("step-00000008.json", "step-00000012.json");
        Checkpoint at8 = Checkpoints.read(dir.resolve("part/checkpoints/step-00000008.json"));
        assertThat(at8.step()).isEqualTo(8);
        TrainResult resumed = train(config().build(), dir.resolve("part"), at8);
        double[] expected = full.stepLosses();
        assertThat(resumed.stepLosses()).containsExactly(expected);
        assertThat(resumed.valLoss()).isEqualTo(full.valLoss());
        assertThat(first.valLoss()).isEqualTo(full.valLoss());
        assertThat(Files.readString(dir.resolve("part/metrics.csv"))).startsWith("step,epoch,tokens,loss,lr,grad_norm");
    }

    @Test
    void aTruncatedCheckpointFailsNamingTheFileAndThePreviousOneStillLoads(@TempDir Path dir) throws IOException {
        train(config().build(), dir, null);
        Checkpoints checkpoints = new Checkpoints(dir);
        Path newest = dir.resolve("checkpoints/step-00000012.safetensors");
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(checkpoints::latest).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("step-00000012.safetensors").hasMessageContaining("truncated")
                .hasMessageContaining("step-00000008.json");
        bytes[bytes.length - 5] ^= 0x55;
        Files.write(newest, bytes);
        assertThatThrownBy(checkpoints::latest).hasMessageContaining("sha256");
        Files.writeString(dir.resolve("checkpoints/step-00000012.json"), "{\"format\": \"llm-workbench-checkp");
        assertThatThrownBy(checkpoints::latest).hasMessageContaining("step-00000012.json").hasMessageContaining("not valid JSON");
        Checkpoint previous = Checkpoints.read(dir.resolve("checkpoints/step-00000008.json"));
        TrainResult resumed = train(config().build(), dir, previous);
        assertThat(resumed.steps()).isEqualTo(12);
    }

    @Test
    void stopRequestEndsAtAStepBoundaryWithACheckpoint(@TempDir Path dir) throws IOException {
        try (GptModel model = GptModel.create(TINY, 5)) {
            Trainer<org.llmworkbench.data.Batch>[] holder = new Trainer[1];
            holder[0] = Trainer.builder(model.parameters(), new LanguageModelObjective(model), loader(corpus(900), 3),
                            config().checkpointEvery(0).build())
                    .runDir(dir)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(Step step) {
                            if (step.step() == 5) holder[0].requestStop();
                        }
                    }).build();
            TrainResult r = holder[0].run();
            assertThat(r.stopped()).isTrue();
            assertThat(r.steps()).isEqualTo(5);
            assertThat(r.checkpoint().getFileName().toString()).isEqualTo("step-00000005.json");
            assertThat(Checkpoints.read(r.checkpoint()).batchInEpoch()).isEqualTo(5);
        }
    }

    @Test
    void anInterruptStopsAtTheNextStepWithACheckpointAndSaysWhere(@TempDir Path dir) throws IOException {
        try (GptModel model = GptModel.create(TINY, 5)) {
            Trainer<org.llmworkbench.data.Batch> trainer = Trainer.builder(model.parameters(), new LanguageModelObjective(model),
                            loader(corpus(900), 3), config().checkpointEvery(0).build())
                    .runDir(dir)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(Step step) {
                            if (step.step() == 3) Thread.currentThread().interrupt(); // what a notebook's stop button does
                        }
                    }).build();
            assertThatThrownBy(trainer::run).isInstanceOf(TrainingInterruptedException.class)
                    .hasMessageContaining("after step 3").hasMessageContaining("step-00000003.json");
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            assertThat(Checkpoints.read(dir.resolve("checkpoints/step-00000003.json")).step()).isEqualTo(3);
        }
    }

    @Test
    void aStopDoesNotWaitForAnEvaluationNobodyWillSee(@TempDir Path dir) throws IOException {
        try (GptModel model = GptModel.create(TINY, 5)) {
            List<Long> evaluated = new ArrayList<>();
            List<Long> sampled = new ArrayList<>();
            Trainer<org.llmworkbench.data.Batch> trainer = Trainer.builder(model.parameters(), new LanguageModelObjective(model),
                            loader(corpus(900), 3), config().checkpointEvery(0).sampleEvery(4).build())
                    .validation(loader(corpus(300), 4))
                    .runDir(dir)
                    .sampler(step -> "sample")
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(Step step) {
                            if (step.step() == 4) Thread.currentThread().interrupt(); // the stop button, just before step 4's evaluation
                        }

                        @Override
                        public void onEval(Eval eval) {
                            evaluated.add(eval.step());
                        }

                        @Override
                        public void onSample(long step, String text) {
                            sampled.add(step);
                        }
                    }).build();
            assertThatThrownBy(trainer::run).isInstanceOf(TrainingInterruptedException.class)
                    .hasMessageContaining("after step 4").hasMessageContaining("step-00000004.json");
            assertThat(evaluated).as("step 0 evaluated; step 4's evaluation skipped").containsExactly(0L);
            assertThat(sampled).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void aStopBeforeTheFirstStepSkipsTheOpeningEvaluation() {
        try (GptModel model = GptModel.create(TINY, 5)) {
            List<Long> evaluated = new ArrayList<>();
            Trainer<org.llmworkbench.data.Batch> trainer = Trainer.builder(model.parameters(), new LanguageModelObjective(model),
                            loader(corpus(900), 3), config().checkpointEvery(0).build())
                    .validation(loader(corpus(300), 4))
                    .listener(new TrainingListener() {
                        @Override
                        public void onEval(Eval eval) {
                            evaluated.add(eval.step());
                        }
                    }).build();
            Thread.currentThread().interrupt();
            assertThatThrownBy(trainer::run).isInstanceOf(TrainingInterruptedException.class).hasMessageContaining("after step 0");
            assertThat(evaluated).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void configRejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> TrainConfig.builder().build()).hasMessageContaining("maxSteps, maxEpochs or maxTokens");
        assertThatThrownBy(() -> TrainConfig.builder().maxSteps(1).gradAccumulation(0).build()).hasMessageContaining("gradAccumulation");
        assertThatThrownBy(() -> TrainConfig.builder().maxSteps(1).learningRate(-1).build()).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> TrainConfig.builder().maxSteps(1).betas(1.0, 0.9).build()).hasMessageContaining("beta1");
    }

    @Test
    void warmupThenCosineDecayToTheFloor() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(1e-5, 1e-3, 1e-4, 10, 110);
        assertThat(s.at(0)).isEqualTo(1e-5);
        assertThat(s.at(5)).isCloseTo(1e-5 + 0.5 * (1e-3 - 1e-5), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.at(10)).isCloseTo(1e-3, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.at(60)).isCloseTo((1e-3 + 1e-4) / 2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.at(110)).isEqualTo(1e-4);
        assertThat(s.at(500)).isEqualTo(1e-4);
    }
}
