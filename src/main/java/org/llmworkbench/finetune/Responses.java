package org.llmworkbench.finetune;

import org.llmworkbench.data.InstructionPrompts;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.data.ResponsesFile;
import org.llmworkbench.data.InstructionPrompts.Example;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.GenerationResult;
import org.llmworkbench.model.Generator;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.Tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A model's answers to instructions, saved for evaluation, which reads them and never generates
 * silently. Each answer is generated from the prompt in the model's format (greedy by default),
 * ends at end-of-text, and keeps only the new text: the prompt is not repeated, and a base model
 * that runs on into a next "instruction" is cut where that begins.
 *
 * <p>{@link ResponsesFile} saves the answers for the evaluation package. Few-shot prompts (k answered training examples before the question) let a base model that was
 * never tuned be compared with the tuned one on the same questions.
 */
public final class Responses {
    private Responses() {}

    /** Where a prompt of each format starts: a base model's run-on into the next question is cut there. */
    private static final List<String> NEXT_PROMPT = List.of("### Instruction:", InstructionPrompts.ALPACA_PREAMBLE, "<|user|>");

    /**
     * Answers every question; {@code shots > 0} puts that many answered examples from {@code shotPool}
     * before each question (drawn per question from {@code shotSeed}, never the question itself).
     *
     * @param onRecord called after each answer (progress); may be null
     */
    public static List<ModelResponse> generate(GptModel model, Tokenizer tokenizer, Format format, List<Example> questions,
                                        GenerationConfig generation, String modelName, List<Example> shotPool, int shots,
                                        long shotSeed, Consumer<ModelResponse> onRecord) {
        if (shots > 0 && (shotPool == null || shotPool.isEmpty())) {
            throw new IllegalArgumentException("few-shot prompts (shots=" + shots + ") need a pool of answered examples");
        }
        Map<String, Object> settings = settings(generation, shots, shotSeed);
        List<ModelResponse> records = new ArrayList<>(questions.size());
        for (int q = 0; q < questions.size(); q++) {
            Example question = questions.get(q);
            List<Example> examples = shots == 0 ? List.of()
                    : InstructionPrompts.sampleShots(shotPool, shots, shotSeed + q, question);
            String prompt = InstructionPrompts.fewShot(format, examples, question.instruction(), question.input());
            String answer = answer(model, tokenizer, prompt, generation, null);
            ModelResponse r = new ModelResponse(question.instruction(), question.input(), question.output(), answer, modelName,
                    format.id(), settings);
            records.add(r);
            if (onRecord != null) onRecord.accept(r);
        }
        return records;
    }

    /** The zero-shot answer to one instruction. */
    public static String respond(GptModel model, Tokenizer tokenizer, Format format, String instruction, String input,
                                 GenerationConfig generation) {
        return answer(model, tokenizer, InstructionPrompts.prompt(format, instruction, input), generation, null);
    }

    /**
     * Generates after {@code prompt} until end-of-text and returns the cleaned answer.
     *
     * @param onText receives the answer's text as it grows, piece by piece (streaming); may be null
     */
    public static String answer(GptModel model, Tokenizer tokenizer, String prompt, GenerationConfig generation,
                                Consumer<String> onText) {
        int endOfText = tokenizer.specialTokens().getOrDefault("<|endoftext|>", InstructionCollate.END_OF_TEXT);
        GenerationConfig config = generation.withStopTokens(endOfText);
        int[] ids = tokenizer.encode(prompt);
        List<Integer> produced = new ArrayList<>();
        int[] shown = {0};
        GenerationResult result = Generator.generate(model, ids, config, token -> {
            if (onText == null) return;
            produced.add(token);
            String text = tokenizer.decode(produced.stream().mapToInt(Integer::intValue).toArray());
            // a token may end inside a multi-byte character: wait for the rest
            if (text.length() > shown[0] && !text.endsWith("\uFFFD")) {
                onText.accept(text.substring(shown[0]));
                shown[0] = text.length();
            }
        });
        return clean(tokenizer.decode(result.newTokens()));
    }

    /** Response headers a model may repeat; the book removes them ({@code .replace("### Response:", "")}). */
    private static final List<String> HEADERS = List.of("### Response:", "<|assistant|>");

    /** The answer without surrounding whitespace or repeated response headers, cut where a next prompt would begin. */
    public static String clean(String generated) {
        String text = generated;
        for (String marker : NEXT_PROMPT) {
            int at = text.indexOf(marker);
            if (at >= 0) text = text.substring(0, at);
        }
        for (String header : HEADERS) text = text.replace(header, "");
        return text.strip();
    }

    static Map<String, Object> settings(GenerationConfig g, int shots, long shotSeed) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("strategy", g.isGreedy() ? "greedy" : "sampling");
        s.put("max_new_tokens", g.maxNewTokens());
        if (!g.isGreedy()) {
            s.put("temperature", g.temperature());
            s.put("top_k", g.topK());
            s.put("top_p", g.topP());
            s.put("seed", g.seed());
        }
        s.put("stop", "<|endoftext|>");
        s.put("shots", shots);
        if (shots > 0) s.put("shot_seed", shotSeed);
        return s;
    }
}
