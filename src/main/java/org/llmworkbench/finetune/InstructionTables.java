package org.llmworkbench.finetune;

import org.llmworkbench.data.Batch;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.model.Losses;
import org.llmworkbench.text.Tokenizer;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tables that show what instruction tuning does: one collated row token by token, answers side by side. */
public final class InstructionTables {
    private InstructionTables() {}

    /**
     * One row of a batch, position by position: the input token, the target the model must predict
     * there, and whether the loss counts it (−100 targets do not).
     */
    public static Table collatedRow(Batch batch, int row, Tokenizer tokenizer) {
        IntColumn position = IntColumn.create("position");
        IntColumn input = IntColumn.create("input id");
        StringColumn inputText = StringColumn.create("input token");
        IntColumn target = IntColumn.create("target id");
        StringColumn targetText = StringColumn.create("target token");
        for (int i = 0; i < batch.sequenceLength(); i++) {
            int in = batch.inputs()[row][i];
            int t = batch.targets()[row][i];
            position.append(i);
            input.append(in);
            inputText.append(Tokenizer.visible(tokenizer.token(in)));
            target.append(t);
            targetText.append(t == Losses.IGNORE_INDEX ? "(ignored)" : Tokenizer.visible(tokenizer.token(t)));
        }
        return Table.create("row " + row + " of the batch", position, input, inputText, target, targetText);
    }

    /** The reference answer next to each model's answer to the same questions (paired by instruction and input). */
    @SafeVarargs
    public static Table sideBySide(int rows, List<ModelResponse>... answers) {
        StringColumn question = StringColumn.create("instruction");
        StringColumn reference = StringColumn.create("reference");
        Table table = Table.create("answers", question, reference);
        List<ModelResponse> first = answers[0];
        int n = Math.min(rows, first.size());
        for (int i = 0; i < n; i++) {
            ModelResponse r = first.get(i);
            question.append(r.input().isEmpty() ? r.instruction() : r.instruction() + "\n" + r.input());
            reference.append(r.reference());
        }
        for (List<ModelResponse> model : answers) {
            Map<String, String> byQuestion = new HashMap<>();
            model.forEach(r -> byQuestion.put(r.instruction() + "\u0000" + r.input(), r.response()));
            String name = model.isEmpty() ? "model" : model.get(0).model();
            while (table.containsColumn(name)) name = name + "'";
            StringColumn column = StringColumn.create(name);
            for (int i = 0; i < n; i++) {
                ModelResponse r = first.get(i);
                column.append(byQuestion.getOrDefault(r.instruction() + "\u0000" + r.input(), ""));
            }
            table.addColumns(column);
        }
        return table;
    }
}
