package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.AtomicFiles;
import org.llmworkbench.Json;
import org.llmworkbench.RunCard;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code OUT/run-card.json} of a training command ({@code pretrain}, {@code finetune instruct|dpo}): a
 * {@link RunCard} (versions, parameters, the training data's sha256, outcome, wall time) with the
 * command's JSON line as its metrics, written atomically.
 */
final class RunCardFile {
    private RunCardFile() {}

    /**
     * @param figures  the command's closing JSON line, as a map
     * @param datasets the data trained on: name to sha256
     */
    static void write(Path out, String command, Map<String, Object> figures, Map<String, String> parameters,
                      Map<String, String> datasets, boolean stopped, double seconds) throws IOException {
        RunCard card = new RunCard(command).addEngineVersions();
        parameters.forEach(card::parameter);
        datasets.forEach(card::dataset);
        card.finish(stopped ? "stopped" : "ok", seconds);
        ObjectNode json = card.toJson();
        figures.forEach((k, v) -> json.with("metrics").putPOJO(k, v));
        AtomicFiles.writeBytes(out.resolve("run-card.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }
}
