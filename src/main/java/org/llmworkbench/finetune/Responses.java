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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A model's answers to instructions, saved for evaluation, which reads them and never generates
 * silently. Each answer is generated from the prompt in the model's format (greedy by default),
 * ends at end-of-text (by default also at a new prompt section after the answer, or at a phrase
 * repeated three times, kept once; the settings saved with each answer say which), and keeps only
 * the new text: the prompt is not repeated, and a base model that runs on into a next
 * "instruction" is cut where that begins.
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
        return generate(model, tokenizer, format, questions, generation, true, modelName, shotPool, shots, shotSeed, onRecord);
    }

    /**
     * @param stopRules besides end-of-text, also stop when the model starts a new prompt section after its
     *                  answer ({@link #startsNextSection}) or repeats a phrase ({@link #repeatedTail}); the
     *                  default, recorded in the settings
     */
    public static List<ModelResponse> generate(GptModel model, Tokenizer tokenizer, Format format, List<Example> questions,
                                        GenerationConfig generation, boolean stopRules, String modelName,
                                        List<Example> shotPool, int shots, long shotSeed, Consumer<ModelResponse> onRecord) {
        if (shots > 0 && (shotPool == null || shotPool.isEmpty())) {
            throw new IllegalArgumentException("few-shot prompts (shots=" + shots + ") need a pool of answered examples");
        }
        Map<String, Object> settings = settings(generation, stopRules, shots, shotSeed);
        List<ModelResponse> records = new ArrayList<>(questions.size());
        for (int q = 0; q < questions.size(); q++) {
            Example question = questions.get(q);
            List<Example> examples = shots == 0 ? List.of()
                    : InstructionPrompts.sampleShots(shotPool, shots, shotSeed + q, question);
            String prompt = InstructionPrompts.fewShot(format, examples, question.instruction(), question.input());
            String answer = answer(model, tokenizer, prompt, generation, stopRules, null);
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
        return answer(model, tokenizer, InstructionPrompts.prompt(format, instruction, input), generation, true, null);
    }

    /**
     * Generates after {@code prompt} until end-of-text and returns the cleaned answer.
     *
     * @param onText receives the answer's text as it grows, piece by piece (streaming); may be null
     */
    public static String answer(GptModel model, Tokenizer tokenizer, String prompt, GenerationConfig generation,
                                Consumer<String> onText) {
        return answer(model, tokenizer, prompt, generation, true, onText);
    }

    /** @param stopRules also stop at a new prompt section after the answer and at a repeated phrase (kept once) */
    public static String answer(GptModel model, Tokenizer tokenizer, String prompt, GenerationConfig generation,
                                boolean stopRules, Consumer<String> onText) {
        int endOfText = tokenizer.specialTokens().getOrDefault("<|endoftext|>", InstructionCollate.END_OF_TEXT);
        // a model whose vocabulary has no <|endoftext|> (a character model) stops by length and the stop rules only
        GenerationConfig config = endOfText < model.config().vocabSize() ? generation.withStopTokens(endOfText) : generation;
        int[] ids = tokenizer.encode(prompt);
        List<Integer> produced = new ArrayList<>();
        int[] shown = {0};
        int[] keep = {-1};
        GenerationResult result = Generator.generateUntil(model, ids, config, token -> {
            produced.add(token);
            String text = tokenizer.decode(produced.stream().mapToInt(Integer::intValue).toArray());
            // a token may end inside a multi-byte character: wait for the rest
            if (onText != null && text.length() > shown[0] && !text.endsWith("\uFFFD")) {
                onText.accept(text.substring(shown[0]));
                shown[0] = text.length();
            }
            if (!stopRules) return false;
            int repeated = repeatedTail(produced);
            if (repeated > 0) keep[0] = produced.size() - repeated;
            return repeated > 0 || startsNextSection(text);
        });
        int[] answer = result.newTokens();
        return clean(tokenizer.decode(keep[0] < 0 ? answer : Arrays.copyOf(answer, keep[0])));
    }

    /** Section headers of both formats: a new one after the answer means the answer is over. */
    private static final List<String> SECTION_HEADERS = List.of("### Instruction", "### Input", "### Response",
            "<|user|>", "<|assistant|>");

    /**
     * Whether the generated text, after some answer, begins a new prompt section (a small tuned model
     * that does not stop at end-of-text often runs on into "### Instruction:" or another
     * "### Response:"). A header before any answer text (a repeated response header) does not count.
     */
    public static boolean startsNextSection(String generated) {
        for (String header : SECTION_HEADERS) {
            int at = generated.lastIndexOf(header);
            if (at > 0 && !clean(generated.substring(0, at)).isEmpty()) return true;
        }
        return false;
    }

    /**
     * A small model's greedy answer often falls into a loop ("'What is 'What is 'What is …"). When the
     * last tokens are one block of {@code p} tokens repeated three times in a row (eight times for a
     * single token, four for two), returns how many tokens to drop to keep the block once; else 0.
     */
    public static int repeatedTail(List<Integer> ids) {
        int n = ids.size();
        for (int p = 1; p <= 16; p++) {
            int times = Math.max(3, (8 + p - 1) / p);
            if (p * times > n) break;
            boolean loop = true;
            for (int i = n - p * times; i < n - p && loop; i++) loop = ids.get(i).equals(ids.get(i + p));
            if (loop) return p * (times - 1);
        }
        return 0;
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

    static Map<String, Object> settings(GenerationConfig g, boolean stopRules, int shots, long shotSeed) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("strategy", g.isGreedy() ? "greedy" : "sampling");
        s.put("max_new_tokens", g.maxNewTokens());
        if (!g.isGreedy()) {
            s.put("temperature", g.temperature());
            s.put("top_k", g.topK());
            s.put("top_p", g.topP());
            s.put("seed", g.seed());
        }
        s.put("stop", stopRules ? List.of("<|endoftext|>", "a new section header after the answer",
                "a phrase repeated 3 times in a row (kept once)") : List.of("<|endoftext|>"));
        s.put("shots", shots);
        if (shots > 0) s.put("shot_seed", shotSeed);
        return s;
    }
}
