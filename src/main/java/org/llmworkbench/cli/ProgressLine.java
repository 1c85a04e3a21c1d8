package org.llmworkbench.cli;

import org.llmworkbench.train.TrainResult;
import org.llmworkbench.train.TrainingListener;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The terminal's view of a training run: on a terminal one line (step, loss, tokens/s, ETA) redrawn
 * in place with a carriage return; when the output is a file or a pipe, plain lines at evaluations,
 * samples, checkpoints and every tenth of the run, so a log stays readable.
 */
final class ProgressLine implements TrainingListener {
    private final PrintStream out;
    private final boolean terminal;
    private long totalSteps;
    private long lastPlain = -1;
    private int width;

    ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onStart(Plan plan) {
        totalSteps = plan.totalSteps();
        out.printf("training %,d trainable parameters for %,d steps%s%n", plan.trainableParameters(), plan.totalSteps(),
                plan.startStep() > 0 ? " (resuming after step " + plan.startStep() + ")" : "");
    }

    @Override
    public void onStep(Step s) {
        String line = String.format("step %d/%d  epoch %d  loss %.4f  lr %.2e  grad %.2f  %,.0f tok/s  ETA %s",
                s.step(), s.totalSteps(), s.epoch() + 1, s.loss(), s.learningRate(), s.gradNorm(), s.tokensPerSecond(),
                duration(s.etaSeconds()));
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
            out.flush();
        } else if (s.step() == 1 || s.step() * 10 / Math.max(1, totalSteps) != lastPlain) {
            lastPlain = s.step() * 10 / Math.max(1, totalSteps);
            out.println(line);
        }
    }

    @Override
    public void onEval(Eval e) {
        println(String.format("step %d: train loss %.4f, val loss %.4f (perplexity %.1f)",
                e.step(), e.trainLoss(), e.valLoss(), e.valPerplexity()));
    }

    @Override
    public void onSample(long step, String text) {
        println("step " + step + " sample: " + text.replace("\n", "\\n"));
    }

    @Override
    public void onCheckpoint(long step, Path json) {
        println("step " + step + ": checkpoint " + json);
    }

    @Override
    public void onEnd(TrainResult r) {
        println(String.format("%s after %d steps, %,d tokens, %.1f s (%,.0f tokens/s)",
                r.stopped() ? "stopped" : "done", r.steps(), r.tokens(), r.wallSeconds(), r.tokensPerSecond()));
    }

    private void println(String text) {
        if (terminal && width > 0) {
            out.print("\r" + " ".repeat(width) + "\r");
            width = 0;
        }
        out.println(text);
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
