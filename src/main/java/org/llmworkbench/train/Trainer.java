package org.llmworkbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.llmworkbench.StopGrace;
import org.llmworkbench.model.TensorMemory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The training loop shared by pretraining, classification and instruction tuning:
 *
 * <pre>
 *   for each optimizer step:
 *       for each of gradAccumulation micro-batches:  loss = objective(batch); backward(loss / gradAccumulation)
 *       clip the global gradient norm;  AdamW step at the schedule's learning rate;  zero the gradients
 *       every evalEvery steps: mean train and validation loss;  every sampleEvery: a sample;  checkpoint
 * </pre>
 *
 * <p>Each micro-batch runs in its own NDManager scope that is closed afterwards, so memory stays flat.
 * Dropout is reseeded from (seed, step, micro-batch) before every forward pass and batches come from
 * epochs that depend only on their number: a run resumed from a checkpoint computes exactly the losses
 * the uninterrupted run would have (same thread count). A stop request or a thread interrupt ends the
 * run at the next step boundary, after a checkpoint.
 *
 * @param <B> the batch type
 */
public final class Trainer<B> {
    private final Map<String, NDArray> modelState;
    private final Map<String, NDArray> trainable;
    private final Objective<B> objective;
    private final BatchSource<B> train;
    private final BatchSource<B> validation;
    private final TrainConfig config;
    private final List<TrainingListener> listeners;
    private final Path runDir;
    private final JsonNode meta;
    private final LongFunction<String> sampler;
    private final Checkpoint resumeFrom;
    /** A trainer runs once: a second run would restart at step 0 on trained weights and overwrite its checkpoints. */
    private boolean ran;
    private volatile boolean stopRequested;

    private Trainer(Builder<B> b) {
        this.modelState = b.modelState;
        this.trainable = b.trainable == null ? b.modelState : b.trainable;
        this.objective = b.objective;
        this.train = b.train;
        this.validation = b.validation;
        this.config = b.config;
        this.listeners = List.copyOf(b.listeners);
        this.runDir = b.runDir;
        this.meta = b.meta;
        this.sampler = b.sampler;
        this.resumeFrom = b.resumeFrom;
    }

    /**
     * @param modelState every parameter of the model by name (what a checkpoint saves), e.g. {@code model.parameters()}
     * @param objective  the loss of a batch
     * @param train      the training batches
     */
    public static <B> Builder<B> builder(Map<String, NDArray> modelState, Objective<B> objective, BatchSource<B> train,
                                         TrainConfig config) {
        return new Builder<>(modelState, objective, train, config);
    }

    /** Ends the run at the next step boundary (with a checkpoint when it has a run directory). Any thread may call it. */
    public void requestStop() {
        stopRequested = true;
    }

    /** The number of optimizer steps this configuration runs in total. */
    public long totalSteps() {
        long steps = Long.MAX_VALUE;
        if (config.maxSteps() > 0) steps = config.maxSteps();
        // micro-batches run on across epoch boundaries; an epoch limit counts micro-batches
        if (config.maxEpochs() > 0) {
            steps = Math.min(steps, Math.max(1, (long) train.batchesPerEpoch() * config.maxEpochs() / config.gradAccumulation()));
        }
        if (config.maxTokens() > 0 && steps == Long.MAX_VALUE) {
            steps = -1; // known only from the batches' sizes: estimated in run()
        }
        return steps;
    }

    /** Trains until a limit is reached or a stop is requested. */
    public TrainResult run() {
        synchronized (this) {
            if (ran) {
                throw new IllegalStateException("this trainer has run already; running it again would start over at step 0 "
                        + "on the trained weights, with a new optimizer, and overwrite its checkpoints"
                        + (runDir == null ? ": build a new trainer to train more"
                        : ": to train more, build a new trainer that resumes from new Checkpoints(" + runDir + ").latest()"));
            }
            ran = true;
        }
        Checkpoints checkpoints = runDir == null ? null : new Checkpoints(runDir);
        TrainingMetrics metrics = new TrainingMetrics();
        // an interrupt (a notebook's stop button) ends the run at the next step boundary, after a checkpoint
        try (AdamW optimizer = new AdamW(trainable, config.optimizer());
             StopGrace.Handle grace = StopGrace.request(Duration.ofMinutes(2))) {
            long step = 0;
            int epoch = 0;
            int batchInEpoch = 0;
            long tokens = 0;
            double bestVal = Double.NaN;
            if (resumeFrom != null) {
                Checkpoints.restore(resumeFrom, modelState, optimizer);
                step = resumeFrom.step();
                epoch = resumeFrom.epoch();
                batchInEpoch = resumeFrom.batchInEpoch();
                tokens = resumeFrom.tokens();
                metrics = TrainingMetrics.fromJson(resumeFrom.metrics());
                bestVal = minValLoss(metrics);
            }
            optimizer.zeroGrad();
            long totalSteps = totalSteps();
            if (totalSteps < 0) {
                long tokensPerStep = Math.max(1, estimateTokensPerStep());
                totalSteps = (config.maxTokens() + tokensPerStep - 1) / tokensPerStep;
            }
            LearningRateSchedule schedule = config.schedule(totalSteps);
            long parameterCount = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
            TrainingListener.Plan plan = new TrainingListener.Plan(totalSteps, step, train.batchesPerEpoch(),
                    config.gradAccumulation(), parameterCount);
            listeners.forEach(l -> l.onStart(plan));

            long started = System.nanoTime();
            double trainingSeconds = 0;
            long tokensThisRun = 0;
            double lastTrain = Double.NaN;
            double lastVal = Double.NaN;
            boolean stopped = false;
            boolean interrupted = false;
            Path lastCheckpoint = null;
            TrainingListener.Eval lastEval = null;
            if (step == 0 && config.evalEvery() > 0) {
                lastEval = evaluateUnlessStopped(0, tokens);
                if (lastEval != null) {
                    metrics.addEval(lastEval);
                    bestVal = lastEval.valLoss();
                    TrainingListener.Eval e = lastEval;
                    listeners.forEach(l -> l.onEval(e));
                }
            }

            Iterator<B> batches = skipTo(epoch, batchInEpoch);
            while (step < totalSteps && (config.maxTokens() == 0 || tokens < config.maxTokens())) {
                if (stopPending()) {
                    stopped = true;
                    interrupted = Thread.interrupted();
                    break;
                }
                long t0 = System.nanoTime();
                double lossSum = 0;
                long stepTokens = 0;
                for (int micro = 0; micro < config.gradAccumulation(); micro++) {
                    if (!batches.hasNext()) {
                        epoch++;
                        batchInEpoch = 0;
                        batches = train.epoch(epoch);
                    }
                    B batch = batches.next();
                    batchInEpoch++;
                    JniUtils.setSeed(dropoutSeed(config.seed(), step, micro));
                    lossSum += backward(batch);
                    stepTokens += objective.tokens(batch);
                }
                double lr = schedule.at(step);
                double gradNorm = optimizer.gradientNorm();
                // clipping scales the gradients inside the update: the same as clip_grad_norm_ first
                optimizer.step(lr, config.clipNorm() > 0 ? GradientClipping.coefficient(gradNorm, config.clipNorm()) : 1);
                optimizer.zeroGrad();
                step++;
                tokens += stepTokens;
                tokensThisRun += stepTokens;
                double seconds = (System.nanoTime() - t0) / 1e9;
                trainingSeconds += seconds;
                double rate = tokensThisRun / Math.max(1e-9, trainingSeconds);
                double eta = (totalSteps - step) * (trainingSeconds / Math.max(1, step - plan.startStep()));
                TrainingListener.Step report = new TrainingListener.Step(step, totalSteps, epoch, tokens,
                        lossSum / config.gradAccumulation(), lr, gradNorm, rate,
                        (System.nanoTime() - started) / 1e9, eta);
                metrics.addStep(report);
                listeners.forEach(l -> l.onStep(report));

                boolean last = step >= totalSteps || (config.maxTokens() > 0 && tokens >= config.maxTokens());
                boolean evalNow = (config.evalEvery() > 0 && step % config.evalEvery() == 0) || last;
                if (evalNow) {
                    TrainingListener.Eval eval = evaluateUnlessStopped(step, tokens);
                    evalNow = eval != null;
                    if (eval != null) {
                        lastEval = eval;
                        metrics.addEval(lastEval);
                        if (!Double.isNaN(lastEval.valLoss()) && !(lastEval.valLoss() >= bestVal)) bestVal = lastEval.valLoss();
                        TrainingListener.Eval e = lastEval;
                        listeners.forEach(l -> l.onEval(e));
                    }
                }
                if (sampler != null && config.sampleEvery() > 0 && (step % config.sampleEvery() == 0 || last) && !stopPending()) {
                    String text = sampler.apply(step);
                    long s = step;
                    listeners.forEach(l -> l.onSample(s, text));
                }
                if (checkpoints != null && (last || (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0))) {
                    double val = evalNow ? lastEval.valLoss() : Double.NaN;
                    lastCheckpoint = save(checkpoints, step, epoch, batchInEpoch, tokens, val, bestVal, optimizer, metrics);
                }
            }
            if (!stopped && stopPending()) {
                // the last step's evaluation was cut short by a stop: the run still ends as stopped
                stopped = true;
                interrupted = Thread.interrupted();
            }
            if (stopped && checkpoints != null && (lastCheckpoint == null || !lastCheckpoint.getFileName().toString()
                    .equals(String.format("step-%08d.json", step)))) {
                lastCheckpoint = save(checkpoints, step, epoch, batchInEpoch, tokens, Double.NaN, bestVal, optimizer, metrics);
            }
            if (lastEval != null) {
                lastTrain = lastEval.trainLoss();
                lastVal = lastEval.valLoss();
            }
            if (runDir != null) metrics.writeCsv(runDir.resolve("metrics.csv"));
            TrainResult result = new TrainResult(step, tokens, lastTrain, lastVal, bestVal,
                    (System.nanoTime() - started) / 1e9, tokensThisRun / Math.max(1e-9, trainingSeconds), stopped,
                    lastCheckpoint, metrics.table());
            listeners.forEach(l -> l.onEnd(result));
            if (interrupted) throw new TrainingInterruptedException(result);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("training run in " + runDir + ": " + e.getMessage(), e);
        }
    }

    private Path save(Checkpoints checkpoints, long step, int epoch, int batchInEpoch, long tokens, double val, double best,
                      AdamW optimizer, TrainingMetrics metrics) throws IOException {
        Checkpoints.Progress progress = new Checkpoints.Progress(step, epoch, batchInEpoch, tokens, val, best, config.seed());
        Path json = checkpoints.save(progress, modelState, optimizer, meta, metrics);
        checkpoints.prune(config.keepLast());
        metrics.writeCsv(runDir.resolve("metrics.csv"));
        listeners.forEach(l -> l.onCheckpoint(step, json));
        return json;
    }

    /** One micro-batch: forward with gradient recording, backward of loss / gradAccumulation; returns the loss. */
    private double backward(B batch) {
        try (NDManager scope = anyParameter().getManager().newSubManager();
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            Objective.TrainingLoss loss;
            try (NDManager forward = scope.newSubManager()) {
                loss = objective.trainingLoss(forward, batch);
                loss.differentiable().attach(scope);
                // arrays made from Java data (token ids, one-hot targets, masks) live in Java buffers that
                // autograd may still read in backward: they stay open until the step ends
                TensorMemory.keepJavaBacked(forward, scope);
            } // the forward pass's other arrays are released before backward; autograd holds what it needs
            float value = loss.value();
            if (!Float.isFinite(value)) {
                throw new IllegalStateException("the training loss became " + value
                        + ": lower the learning rate or turn on gradient clipping (clipNorm)");
            }
            NDArray differentiable = loss.differentiable();
            collector.backward(config.gradAccumulation() == 1 ? differentiable
                    : differentiable.div(TensorMemory.scalar(scope, config.gradAccumulation())));
            return value;
        }
    }

    /** Mean loss over the first {@code evalBatches} batches of epoch 0 of each split, without gradients or dropout. */
    public TrainingListener.Eval evaluate(long step, long tokens) {
        double trainLoss = meanLoss(train);
        double valLoss = validation == null ? Double.NaN : meanLoss(validation);
        return new TrainingListener.Eval(step, tokens, trainLoss, valLoss);
    }

    /** A stop (an interrupt, {@link #stop()}) is waiting to be honoured. */
    private boolean stopPending() {
        return stopRequested || Thread.currentThread().isInterrupted();
    }

    /** Set while run() evaluates: then a stop abandons the evaluation instead of waiting for all its batches. */
    private boolean evaluatingInRun;

    /** An evaluation inside run() cut short by a stop. */
    private static final class EvaluationStopped extends RuntimeException {
        EvaluationStopped() {
            super(null, null, false, false);
        }
    }

    /**
     * An evaluation during run(), or null when a stop came before or during it: the stop button
     * should not wait for a pass over the whole validation set (half a minute on a laptop) whose
     * numbers nobody will see.
     */
    private TrainingListener.Eval evaluateUnlessStopped(long step, long tokens) {
        if (stopPending()) return null;
        evaluatingInRun = true;
        try {
            return evaluate(step, tokens);
        } catch (EvaluationStopped e) {
            return null;
        } finally {
            evaluatingInRun = false;
        }
    }

    private double meanLoss(BatchSource<B> source) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            int limit = config.evalBatches() == 0 ? source.batchesPerEpoch() : Math.min(config.evalBatches(), source.batchesPerEpoch());
            Iterator<B> it = source.epoch(0);
            double sum = 0;
            int n = 0;
            while (n < limit && it.hasNext()) {
                if (evaluatingInRun && stopPending()) throw new EvaluationStopped();
                B batch = it.next();
                try (NDManager scope = anyParameter().getManager().newSubManager()) {
                    sum += objective.loss(scope, batch, false).getFloat();
                }
                n++;
            }
            return n == 0 ? Double.NaN : sum / n;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private long estimateTokensPerStep() {
        Iterator<B> it = train.epoch(0);
        return it.hasNext() ? objective.tokens(it.next()) * config.gradAccumulation() : 1;
    }

    private Iterator<B> skipTo(int epoch, int batchInEpoch) {
        Iterator<B> it = train.epoch(epoch);
        for (int i = 0; i < batchInEpoch && it.hasNext(); i++) it.next();
        return it;
    }

    private NDArray anyParameter() {
        return trainable.values().iterator().next();
    }

    private static double minValLoss(TrainingMetrics metrics) {
        double best = Double.NaN;
        for (int r = 0; r < metrics.table().rowCount(); r++) {
            double v = metrics.table().doubleColumn("val_loss").getDouble(r);
            if (!Double.isNaN(v) && !(v >= best)) best = v;
        }
        return best;
    }

    /** SplitMix64 of (seed, step, micro-batch): unrelated dropout masks for every micro-batch, the same on a resume. */
    static long dropoutSeed(long seed, long step, int micro) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + micro * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }

    public static final class Builder<B> {
        private final Map<String, NDArray> modelState;
        private final Objective<B> objective;
        private final BatchSource<B> train;
        private final TrainConfig config;
        private Map<String, NDArray> trainable;
        private BatchSource<B> validation;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path runDir;
        private JsonNode meta;
        private LongFunction<String> sampler;
        private Checkpoint resumeFrom;

        private Builder(Map<String, NDArray> modelState, Objective<B> objective, BatchSource<B> train, TrainConfig config) {
            if (modelState == null || modelState.isEmpty()) throw new IllegalArgumentException("modelState: no parameters given");
            if (objective == null) throw new IllegalArgumentException("objective is required");
            if (train == null) throw new IllegalArgumentException("training batches are required");
            if (config == null) throw new IllegalArgumentException("config is required");
            this.modelState = modelState;
            this.objective = objective;
            this.train = train;
            this.config = config;
        }

        /** Only these parameters are updated (the others stay frozen); default: all of {@code modelState}. */
        public Builder<B> trainable(Map<String, NDArray> v) { trainable = v; return this; }
        public Builder<B> validation(BatchSource<B> v) { validation = v; return this; }
        public Builder<B> listener(TrainingListener v) { listeners.add(v); return this; }
        /** Checkpoints go to {@code dir/checkpoints}, metrics to {@code dir/metrics.csv}. */
        public Builder<B> runDir(Path v) { runDir = v; return this; }
        /** Stored in every checkpoint's JSON: model config, tokenizer, data (whatever a reload needs). */
        public Builder<B> meta(JsonNode v) { meta = v; return this; }
        /** Called every {@code sampleEvery} steps for a text sample (e.g. a greedy continuation of a prompt). */
        public Builder<B> sampler(LongFunction<String> v) { sampler = v; return this; }
        /** Continue from this checkpoint (weights, optimizer moments, position in the data, metrics). */
        public Builder<B> resumeFrom(Checkpoint v) { resumeFrom = v; return this; }

        public Trainer<B> build() {
            return new Trainer<>(this);
        }
    }
}
