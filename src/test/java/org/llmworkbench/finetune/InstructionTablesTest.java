package org.llmworkbench.finetune;

import org.junit.jupiter.api.Test;
import org.llmworkbench.data.Batch;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.text.Tokenizers;
import tech.tablesaw.api.Table;

import static org.assertj.core.api.Assertions.assertThat;

/** The collated-row table notebook 06 shows: tokens with their whitespace visible, ignored targets named. */
class InstructionTablesTest {

    @Test
    void aCollatedRowShowsEachPositionsInputAndTargetToken() {
        Tokenizer gpt2 = Tokenizers.gpt2();
        int[] ids = gpt2.encode("### Response:\nHello world");
        assertThat(ids).containsExactly(21017, 18261, 25, 198, 15496, 995);
        int[] inputs = {21017, 18261, 25, 198, 15496};
        int[] targets = {-100, -100, 198, 15496, 995};
        Table t = InstructionTables.collatedRow(new Batch(new int[][] {inputs}, new int[][] {targets}, new int[] {0}), 0, gpt2);

        assertThat(t.rowCount()).isEqualTo(5);
        assertThat(t.intColumn("input id").asList()).containsExactly(21017, 18261, 25, 198, 15496);
        assertThat(t.stringColumn("input token").asList()).containsExactly("###", "\u2423Response", ":", "\\n", "Hello");
        assertThat(t.stringColumn("target token").asList()).containsExactly("(ignored)", "(ignored)", "\\n", "Hello", "\u2423world");
    }

    @Test
    void visibleMarksSpacesAndEscapesLineBreaksAndTabs() {
        assertThat(Tokenizer.visible(" a\tb\r\n")).isEqualTo("\u2423a\\tb\\r\\n");
        assertThat(Tokenizer.visible("plain")).isEqualTo("plain");
    }
}
