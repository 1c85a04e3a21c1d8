package org.llmworkbench.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstructionPromptsTest {

    @Test
    void alpacaPromptIsTheBooksFormatByteForByte() {
        assertThat(InstructionPrompts.prompt(InstructionPrompts.Format.ALPACA,
                "Identify the correct spelling of the following word.", "Ocassion"))
                .isEqualTo("Below is an instruction that describes a task. Write a response that appropriately "
                        + "completes the request.\n\n### Instruction:\nIdentify the correct spelling of the following "
                        + "word.\n\n### Input:\nOcassion\n\n### Response:\n");
        assertThat(InstructionPrompts.prompt(InstructionPrompts.Format.ALPACA, "What is an antonym of 'complicated'?", ""))
                .endsWith("### Instruction:\nWhat is an antonym of 'complicated'?\n\n### Response:\n")
                .doesNotContain("### Input:");
    }

    @Test
    void phi3Prompt() {
        assertThat(InstructionPrompts.prompt(InstructionPrompts.Format.PHI3, "Convert 45 kilometers to meters.", ""))
                .isEqualTo("<|user|>\nConvert 45 kilometers to meters.\n<|assistant|>\n");
        assertThat(InstructionPrompts.prompt(InstructionPrompts.Format.parse("Phi-3"), "Fix the grammar.", "He go home."))
                .isEqualTo("<|user|>\nFix the grammar.\nHe go home.\n<|assistant|>\n");
    }

    @Test
    void fewShotPutsAnsweredExamplesBeforeTheQuestion() {
        var shot = new InstructionPrompts.Example("Add 2 and 3.", "", "5");
        String prompt = InstructionPrompts.fewShot(InstructionPrompts.Format.PHI3, List.of(shot), "Add 4 and 4.", "");
        assertThat(prompt).isEqualTo("<|user|>\nAdd 2 and 3.\n<|assistant|>\n5\n\n<|user|>\nAdd 4 and 4.\n<|assistant|>\n");
        assertThat(InstructionPrompts.fewShot(InstructionPrompts.Format.ALPACA, List.of(), "Q", ""))
                .isEqualTo(InstructionPrompts.prompt(InstructionPrompts.Format.ALPACA, "Q", ""));
    }

    @Test
    void shotsAreSeededAndNeverTheQuestion() {
        List<InstructionPrompts.Example> pool = List.of(
                new InstructionPrompts.Example("a", "", "1"), new InstructionPrompts.Example("b", "", "2"),
                new InstructionPrompts.Example("c", "", "3"), new InstructionPrompts.Example("d", "", "4"));
        var question = pool.get(2);
        var shots = InstructionPrompts.sampleShots(pool, 3, 7, question);
        assertThat(shots).hasSize(3).doesNotContain(question);
        assertThat(InstructionPrompts.sampleShots(pool, 3, 7, question)).isEqualTo(shots);
        assertThatThrownBy(() -> InstructionPrompts.sampleShots(pool, 4, 7, question)).hasMessageContaining("only 3");
        assertThatThrownBy(() -> InstructionPrompts.Format.parse("chatml")).hasMessageContaining("alpaca or phi3");
    }
}
