package org.llmworkbench.cli;

import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.GenerationResult;
import org.llmworkbench.model.Generator;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.TokenCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code workbench generate}: continue a prompt with a GPT, streaming tokens as they are chosen,
 * then one JSON line of figures. Prompts longer than the context keep their last tokens.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text (or token ids) from a prompt; ends with one JSON line.")
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prompt", description = "Prompt text, encoded with GPT-2's BPE tokenizer.")
    String prompt;

    @Option(names = "--prompt-ids", split = ",", description = "Prompt as token ids, e.g. 15496,11")
    int[] promptIds;

    @Option(names = {"--max-tokens", "--max-new-tokens"}, defaultValue = "50", description = "New tokens at most (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--greedy", description = "Always pick the most likely token (the default without --temperature).")
    boolean greedy;

    @Option(names = "--temperature", description = "Sampling temperature > 0.")
    Double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens (0 = all).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass in (0, 1] (1 = all).")
    double topP;

    @Option(names = "--stop-ids", split = ",", description = "Token ids that end generation, e.g. 50256.")
    int[] stopIds;

    @Option(names = "--no-cache", description = "Recompute the whole window each step instead of using the KV cache.")
    boolean noCache;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (greedy && (temperature != null || topK != 0 || topP != 1.0)) {
            throw new IllegalArgumentException("--greedy cannot be combined with --temperature, --top-k or --top-p");
        }
        if (!greedy && temperature == null && (topK != 0 || topP != 1.0)) {
            throw new IllegalArgumentException("--top-k and --top-p shape sampling: give --temperature too (without it generation is greedy)");
        }
        if ((prompt == null) == (promptIds == null)) {
            throw new IllegalArgumentException("give exactly one of --prompt TEXT or --prompt-ids ID,ID,...");
        }
        // Text prompts need the model's tokenizer; with --prompt-ids it is only used, when found, to show text.
        Optional<TokenCodec> codec = prompt != null ? Optional.of(modelOptions.tokenizer()) : modelOptions.tokenizerIfAvailable();
        int[] ids = prompt != null ? codec.get().encode(prompt) : promptIds;
        double t = temperature == null ? 0.0 : temperature;
        if (temperature != null && temperature <= 0) {
            throw new IllegalArgumentException("--temperature must be > 0, got " + temperature + " (use --greedy)");
        }
        GenerationConfig config = new GenerationConfig(maxTokens, t, topK, topP, stopIds, modelOptions.seed, !noCache);
        try (GptModel gpt = modelOptions.open()) {
            if (codec.isPresent()) {
                out.print(codec.get().decode(ids));
            }
            GenerationResult result = Generator.generate(gpt, ids, config, streamTo(out, codec));
            out.println();
            if (result.promptDropped() > 0) {
                out.println("(prompt left-truncated: the first " + result.promptDropped()
                        + " tokens did not fit the context of " + gpt.config().contextLength() + ")");
            }
            JsonLine json = JsonLine.command("generate")
                    .put("model", modelOptions.model)
                    .put("device", org.llmworkbench.model.Devices.name(gpt.device()))
                    .put("prompt_tokens", result.promptTokens().length)
                    .put("prompt_dropped", result.promptDropped())
                    .put("new_tokens", result.newTokens().length)
                    .put("stop_reason", result.stopReason())
                    .put("kv_cache", config.useKvCache())
                    .put("greedy", config.isGreedy())
                    .put("temperature", config.temperature())
                    .put("top_k", config.topK())
                    .put("top_p", config.topP())
                    .put("seed", modelOptions.seed)
                    .put("prefill_ms", Math.round(result.prefillNanos() / 1e4) / 100.0)
                    .put("total_ms", Math.round(result.totalNanos() / 1e4) / 100.0)
                    .put("tokens_per_s", Math.round(result.tokensPerSecond() * 100) / 100.0)
                    .put("ids", result.newTokens());
            codec.ifPresent(c -> json.put("text", c.decode(result.newTokens())));
            json.println(out);
        }
        return 0;
    }

    /**
     * Prints each token as it arrives. Text is decoded from all tokens so far and only the new
     * suffix is printed, so characters split across byte-level tokens come out whole.
     */
    private static java.util.function.IntConsumer streamTo(PrintStream out, Optional<TokenCodec> codec) {
        java.util.List<Integer> soFar = new java.util.ArrayList<>();
        int[] printed = {0};
        return token -> {
            if (codec.isEmpty()) {
                out.print(" " + token);
            } else {
                soFar.add(token);
                String text = codec.get().decode(soFar.stream().mapToInt(Integer::intValue).toArray());
                int stable = text.endsWith("\uFFFD") ? text.length() - 1 : text.length();
                if (stable > printed[0]) {
                    out.print(text.substring(printed[0], stable));
                    printed[0] = stable;
                }
            }
            out.flush();
        };
    }
}
