package org.llmworkbench.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One row per optimizer step: step, epoch, tokens seen, the step's loss, learning rate, gradient
 * norm, tokens/s, and, on evaluation steps, the mean train and validation losses (missing
 * elsewhere). The table is what the charts draw and what {@code metrics.csv} holds.
 */
public final class TrainingMetrics {
    private final IntColumn step = IntColumn.create("step");
    private final IntColumn epoch = IntColumn.create("epoch");
    private final LongColumn tokens = LongColumn.create("tokens");
    private final DoubleColumn loss = DoubleColumn.create("loss");
    private final DoubleColumn lr = DoubleColumn.create("lr");
    private final DoubleColumn gradNorm = DoubleColumn.create("grad_norm");
    private final DoubleColumn tokensPerSecond = DoubleColumn.create("tokens_per_s");
    private final DoubleColumn trainLoss = DoubleColumn.create("train_loss");
    private final DoubleColumn valLoss = DoubleColumn.create("val_loss");
    private final Table table = Table.create("metrics", step, epoch, tokens, loss, lr, gradNorm, tokensPerSecond, trainLoss, valLoss);

    void addStep(TrainingListener.Step s) {
        step.append(Math.toIntExact(s.step()));
        epoch.append(s.epoch());
        tokens.append(s.tokens());
        loss.append(s.loss());
        lr.append(s.learningRate());
        gradNorm.append(s.gradNorm());
        tokensPerSecond.append(s.tokensPerSecond());
        trainLoss.appendMissing();
        valLoss.appendMissing();
    }

    /** Fills the evaluation columns of the row of {@code e.step()} (the last row). */
    void addEval(TrainingListener.Eval e) {
        int row = table.rowCount() - 1;
        if (row < 0 || step.getInt(row) != e.step()) {
            // an evaluation before the first step (step 0): a row of its own
            step.append(Math.toIntExact(e.step()));
            epoch.append(0);
            tokens.append(e.tokens());
            loss.appendMissing();
            lr.appendMissing();
            gradNorm.appendMissing();
            tokensPerSecond.appendMissing();
            trainLoss.append(e.trainLoss());
            valLoss.append(e.valLoss());
            return;
        }
        trainLoss.set(row, e.trainLoss());
        valLoss.set(row, e.valLoss());
    }

    /** The live table (read it, don't change it). */
    public Table table() {
        return table;
    }

    /** The per-step losses so far, in step order. */
    public double[] losses() {
        return loss.asDoubleArray();
    }

    /** Writes {@code metrics.csv} atomically. */
    public void writeCsv(Path file) throws IOException {
        AtomicFiles.write(file, temp -> table.write().csv(temp.toFile()));
    }

    JsonNode toJson(ObjectMapper json) {
        ArrayNode rows = json.createArrayNode();
        for (int r = 0; r < table.rowCount(); r++) {
            ArrayNode row = rows.addArray();
            row.add(step.getInt(r)).add(epoch.getInt(r)).add(tokens.getLong(r));
            for (DoubleColumn c : new DoubleColumn[] {loss, lr, gradNorm, tokensPerSecond, trainLoss, valLoss}) {
                double v = c.getDouble(r);
                if (Double.isNaN(v)) row.addNull(); else row.add(v);
            }
        }
        ObjectNode node = json.createObjectNode();
        ArrayNode columns = node.putArray("columns");
        table.columnNames().forEach(columns::add);
        node.set("rows", rows);
        return node;
    }

    static TrainingMetrics fromJson(JsonNode node) {
        TrainingMetrics m = new TrainingMetrics();
        for (JsonNode row : node.path("rows")) {
            m.step.append(row.get(0).asInt());
            m.epoch.append(row.get(1).asInt());
            m.tokens.append(row.get(2).asLong());
            DoubleColumn[] cols = {m.loss, m.lr, m.gradNorm, m.tokensPerSecond, m.trainLoss, m.valLoss};
            for (int c = 0; c < cols.length; c++) {
                JsonNode v = row.get(3 + c);
                if (v == null || v.isNull()) cols[c].appendMissing(); else cols[c].append(v.asDouble());
            }
        }
        return m;
    }
}
