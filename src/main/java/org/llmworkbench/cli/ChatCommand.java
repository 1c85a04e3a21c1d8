package org.llmworkbench.cli;

import org.llmworkbench.data.InstructionPrompts;
import org.llmworkbench.finetune.InstructionModel;
import org.llmworkbench.finetune.Responses;
import org.llmworkbench.model.GenerationConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code workbench chat}: type an instruction, read the answer as it is generated. Each line of
 * standard input is one instruction (no memory of earlier turns: the models were tuned on single
 * instructions); end with Ctrl-D. Ends with one JSON line.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Answer instructions read from standard input, one per line, streaming each answer.")
public final class ChatCommand implements Callable<Integer> {

    @Mixin
    AnswerOptions answers;

    @Option(names = "--temperature", defaultValue = "0", description = "0 (default) answers greedily; above 0 samples.")
    double temperature;

    @Option(names = "--seed", defaultValue = "123", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!(temperature >= 0)) throw new IllegalArgumentException("--temperature must be >= 0 (0 answers greedily), got " + temperature);
        GenerationConfig generation = temperature > 0 ? GenerationConfig.sampling(answers.maxNewTokens, temperature, 0, 1, seed)
                : GenerationConfig.greedy(answers.maxNewTokens);
        int turns = 0;
        long generatedChars = 0;
        try (InstructionModel m = answers.open(System.err);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.err.println(m.name() + " (" + m.format().id() + " prompts). One instruction per line; Ctrl-D ends.");
            String line;
            while (true) {
                System.err.print("> ");
                if ((line = in.readLine()) == null) break;
                if (line.isBlank()) continue;
                String prompt = InstructionPrompts.prompt(m.format(), line.strip(), "");
                String answer = Responses.answer(m.model(), m.tokenizer(), prompt, generation, piece -> {
                    System.out.print(piece);
                    System.out.flush();
                });
                System.out.println();
                turns++;
                generatedChars += answer.length();
            }
            JsonLine.command("chat")
                    .put("model", m.name())
                    .put("prompt_format", m.format().id())
                    .put("turns", turns)
                    .put("answer_chars", generatedChars)
                    .println(System.out);
        }
        return 0;
    }
}
