package org.llmworkbench.finetune;

/**
 * A fine-tuning recipe ({@link ClassifierTraining.Settings}, {@link InstructionTuning}, {@link DpoTuning}):
 * its {@link TuningSchedule}, and a copy with one part of the schedule changed, as in
 * {@code DpoTuning.book().withBatchSize(4).withEpochs(2)}.
 *
 * @param <R> the recipe's own type, which every {@code with...} returns
 */
public interface TuningRecipe<R extends TuningRecipe<R>> {

    TuningSchedule schedule();

    /** This recipe with another schedule. */
    R withSchedule(TuningSchedule schedule);

    default R withEpochs(int v) { return withSchedule(schedule().withEpochs(v)); }
    default R withMaxSteps(long v) { return withSchedule(schedule().withMaxSteps(v)); }
    default R withBatchSize(int v) { return withSchedule(schedule().withBatchSize(v)); }
    default R withLearningRate(double v) { return withSchedule(schedule().withLearningRate(v)); }
    default R withWeightDecay(double v) { return withSchedule(schedule().withWeightDecay(v)); }
    default R withEval(int every, int batches) { return withSchedule(schedule().withEval(every, batches)); }
    default R withSeed(long v) { return withSchedule(schedule().withSeed(v)); }
}
