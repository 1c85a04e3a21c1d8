package org.llmworkbench.cli;

import org.llmworkbench.data.InstructionPrompts.Example;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.data.ResponsesFile;
import org.llmworkbench.finetune.InstructionData;
import org.llmworkbench.finetune.InstructionModel;
import org.llmworkbench.finetune.Responses;
import org.llmworkbench.model.GenerationConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code workbench respond}: a model's answers to one split of the instruction data, saved as the
 * responses file evaluation reads; zero-shot, or few-shot with {@code --shots K} training examples.
 */
@Command(name = "respond", mixinStandardHelpOptions = true,
        description = "Answer every instruction of a split and save the responses (JSON records); ends with one JSON line.")
public final class RespondCommand implements Callable<Integer> {

    @Mixin
    AnswerOptions answers;

    @Mixin
    InstructionDataOption data;

    @Option(names = "--split", defaultValue = "test", description = "train, test or validation (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--out", required = true, description = "Responses file (JSON).")
    Path out;

    @Option(names = "--shots", defaultValue = "0", description = "Answered training examples before each question (default ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--shot-seed", defaultValue = "123", description = "Seed for picking the examples (default ${DEFAULT-VALUE}).")
    long shotSeed;

    @Option(names = "--limit", description = "Only the first N instructions of the split.")
    Integer limit;

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        if (shots < 0) throw new IllegalArgumentException("--shots must be >= 0, got " + shots);
        InstructionData.Split<Example> parts = InstructionData.split(InstructionData.load(data.file()));
        List<Example> questions = parts.part(split);
        if (limit != null) questions = questions.subList(0, Math.min(limit, questions.size()));
        long t0 = System.nanoTime();
        try (InstructionModel m = answers.open(System.out)) {
            int[] done = {0};
            int total = questions.size();
            List<ModelResponse> records = Responses.generate(m.model(), m.tokenizer(), m.format(), questions,
                    GenerationConfig.greedy(answers.maxNewTokens), m.name() + (shots > 0 ? " (" + shots + "-shot)" : ""),
                    parts.train(), shots, shotSeed, r -> System.out.printf("[%d/%d] %s%n", ++done[0], total,
                            abbreviate(r.response())));
            ResponsesFile.write(out, records);
            JsonLine.command("respond")
                    .put("model", m.name())
                    .put("prompt_format", m.format().id())
                    .put("split", split)
                    .put("shots", shots)
                    .put("responses", records.size())
                    .put("empty", records.stream().filter(r -> r.response().isEmpty()).count())
                    .put("wall_s", InstructionModels.round((System.nanoTime() - t0) / 1e9))
                    .put("file", out.toString())
                    .println(System.out);
        }
        return 0;
    }

    private static String abbreviate(String s) {
        String line = s.replace('\n', ' ');
        return line.length() <= 100 ? line : line.substring(0, 97) + "...";
    }
}
