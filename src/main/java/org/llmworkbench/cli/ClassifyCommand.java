package org.llmworkbench.cli;

import org.llmworkbench.finetune.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench classify --model DIR --text "…"}: labels messages with a saved classifier, one
 * line each (label, probability, message), then one JSON line. Text longer than the model's
 * context is classified by its first tokens and marked truncated; empty text is an error.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify messages with a classifier saved by 'workbench finetune classify'. Ends with one JSON line.")
public final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Classifier directory.")
    Path model;

    @Option(names = "--text", description = "A message (repeatable).")
    List<String> texts = new ArrayList<>();

    @Option(names = "--file", description = "A UTF-8 file, one message per line (blank lines skipped).")
    Path file;

    @Override
    public Integer call() throws Exception {
        List<String> messages = new ArrayList<>(texts);
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--file " + file + " does not exist");
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!line.isBlank()) messages.add(line);
        }
        if (messages.isEmpty()) throw new IllegalArgumentException("nothing to classify: give --text \"…\" or --file FILE");
        try (Classifier c = Classifier.load(model)) {
            List<Classifier.Prediction> predictions = c.classifyAll(messages);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                Classifier.Prediction p = predictions.get(i);
                System.out.printf("%s\t%.4f\t%s%s%n", p.label(), p.probability(), messages.get(i),
                        p.truncated() ? "\t(truncated to " + p.tokens() + " tokens)" : "");
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", p.label());
                row.put("probability", Math.round(p.probability() * 10_000) / 10_000.0);
                row.put("tokens", p.tokens());
                row.put("truncated", p.truncated());
                rows.add(row);
            }
            JsonLine.command("classify").put("model", model.toString()).put("predictions", rows).println(System.out);
            return 0;
        }
    }
}
