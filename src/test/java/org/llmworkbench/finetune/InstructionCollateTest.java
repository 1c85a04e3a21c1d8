package org.llmworkbench.finetune;

import org.junit.jupiter.api.Test;
import org.llmworkbench.data.Batch;
import org.llmworkbench.data.InstructionPrompts;
import org.llmworkbench.data.InstructionPrompts.Example;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.text.BpeTokenizer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.llmworkbench.finetune.InstructionCollate.Sample;

class InstructionCollateTest {
    static final List<Sample> BOOK = List.of(Sample.of(0, 1, 2, 3, 4), Sample.of(5, 6), Sample.of(7, 8, 9));

    @Test
    void theBooksWorkedBatch() {
        Batch b = InstructionCollate.book().collate(BOOK);
        assertThat(b.inputs()).isDeepEqualTo(new int[][] {{0, 1, 2, 3, 4}, {5, 6, 50256, 50256, 50256}, {7, 8, 9, 50256, 50256}});
        assertThat(b.targets()).isDeepEqualTo(new int[][] {{1, 2, 3, 4, 50256}, {6, 50256, -100, -100, -100}, {8, 9, 50256, -100, -100}});
        assertThat(InstructionCollate.countedTargets(b)).isEqualTo(5 + 2 + 3);
    }

    @Test
    void tooFewTrainingExamplesForOneBatchSayHowToFixIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InstructionBatches.training(BOOK, 8, 1, InstructionCollate.book()::collate))
                .hasMessage("3 training examples make no full batch of 8 (the last partial batch is dropped, as in the book): "
                        + "use a batch size of at most 3 or train on more examples");
        assertThat(InstructionBatches.training(BOOK, 3, 1, InstructionCollate.book()::collate).samples()).hasSize(3);
    }

    @Test
    void promptMaskingAndALengthCap() {
        List<Sample> samples = List.of(new Sample(new int[] {0, 1, 2, 3, 4}, 3), new Sample(new int[] {5, 6}, 1));
        Batch masked = InstructionCollate.book().withMaskPrompt(true).collate(samples);
        // prompt tokens 1 and 2 are not predicted; the first answer token (3) is
        assertThat(masked.targets()).isDeepEqualTo(new int[][] {{-100, -100, 3, 4, 50256}, {6, 50256, -100, -100, -100}});
        Batch capped = InstructionCollate.book().withMaxLength(3).collate(samples);
        assertThat(capped.inputs()).isDeepEqualTo(new int[][] {{0, 1, 2}, {5, 6, 50256}});
        assertThat(capped.targets()).isDeepEqualTo(new int[][] {{1, 2, 3}, {6, 50256, -100}});
    }

    @Test
    void anEncodedExampleKnowsWhereItsAnswerStarts() {
        BpeTokenizer gpt2 = org.llmworkbench.text.Tokenizers.gpt2();
        Example e = new Example("Name the capital of France.", "", "The capital of France is Paris.");
        for (Format f : Format.values()) {
            Sample s = InstructionCollate.encode(gpt2, f, e);
            assertThat(gpt2.decode(s.ids())).isEqualTo(InstructionPrompts.withResponse(f, e));
            assertThat(gpt2.decode(java.util.Arrays.copyOfRange(s.ids(), s.promptLength(), s.ids().length)))
                    .isEqualTo("The capital of France is Paris.");
        }
        Sample alpaca = InstructionCollate.encode(gpt2, Format.ALPACA, e);
        assertThat(gpt2.decode(java.util.Arrays.copyOf(alpaca.ids(), alpaca.promptLength()))).endsWith("### Response:\n");
    }

    @Test
    void batchesOfAnEpochAreReproducibleAndDropTheRemainder() {
        List<Sample> samples = java.util.stream.IntStream.range(0, 10).mapToObj(i -> Sample.of(i + 1, i + 2)).toList();
        var loader = InstructionBatches.training(samples, 4, 123, (List<Sample> s, int[] idx) -> InstructionCollate.book().collate(s, idx));
        assertThat(loader.batchesPerEpoch()).isEqualTo(2);
        Batch first = loader.epoch(0).next();
        assertThat(loader.epoch(0).next()).isEqualTo(first);
        assertThat(first.size()).isEqualTo(4);
        assertThat(first.inputs()[0][0]).isEqualTo(first.indices()[0] + 1);
        var ordered = InstructionBatches.inOrder(samples, 4, (List<Sample> s, int[] idx) -> InstructionCollate.book().collate(s, idx));
        assertThat(ordered.batchesPerEpoch()).isEqualTo(3);
        assertThat(ordered.epoch(0).next().indices()).containsExactly(0, 1, 2, 3);
    }
}
