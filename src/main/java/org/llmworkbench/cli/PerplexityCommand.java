package org.llmworkbench.cli;

import org.llmworkbench.eval.Perplexity;
import org.llmworkbench.model.GptModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code workbench perplexity}: how surprised a model is by a text. The token stream is cut into
 * consecutive windows of the model's context length; each window predicts its next tokens and the
 * cross-entropies are averaged over all predicted tokens. Perplexity is {@code exp} of that mean.
 */
@Command(name = "perplexity", mixinStandardHelpOptions = true,
        description = "Mean cross-entropy and perplexity of a model on a text; ends with one JSON line.")
public final class PerplexityCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--text", description = "UTF-8 text file, encoded with GPT-2's BPE tokenizer.")
    Path text;

    @Option(names = "--ids", description = "File of token ids separated by spaces, commas or newlines.")
    Path idsFile;

    @Option(names = "--context", description = "Window length in tokens (default: the model's context length).")
    Integer context;

    @Option(names = "--max-tokens", defaultValue = "0", description = "Evaluate only the first N tokens (0 = all).")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        if ((text == null) == (idsFile == null)) {
            throw new IllegalArgumentException("give exactly one of --text FILE or --ids FILE");
        }
        int[] ids = readIds();
        if (maxTokens > 0 && ids.length > maxTokens) {
            ids = java.util.Arrays.copyOf(ids, maxTokens);
        }
        long start = System.nanoTime();
        try (GptModel gpt = modelOptions.open()) {
            int window = context == null ? gpt.config().contextLength() : context;
            if (window < 1 || window > gpt.config().contextLength()) {
                throw new IllegalArgumentException("--context must be in [1, " + gpt.config().contextLength()
                        + "], got " + window);
            }
            Perplexity.Result r = Perplexity.of(gpt, ids, window, (n, from, to, mean) ->
                    System.out.printf("window %d: tokens %d..%d  cross-entropy %.4f%n", n, from, to, mean));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("tokens predicted: %d in %d windows of <= %d%n", r.tokens(), r.windows(), window);
            System.out.printf("mean cross-entropy: %.4f nats   perplexity: %.2f   (uniform over %d ids: %.4f)%n",
                    r.crossEntropy(), r.perplexity(), gpt.config().vocabSize(), Math.log(gpt.config().vocabSize()));
            JsonLine.command("perplexity")
                    .put("model", modelOptions.model)
                    .put("source", String.valueOf(text != null ? text : idsFile))
                    .put("tokens", r.tokens())
                    .put("windows", r.windows())
                    .put("context", window)
                    .put("cross_entropy", Math.round(r.crossEntropy() * 1e4) / 1e4)
                    .put("perplexity", Math.round(r.perplexity() * 100) / 100.0)
                    .put("seconds", Math.round(seconds * 100) / 100.0)
                    .println(System.out);
        }
        return 0;
    }

    private int[] readIds() throws java.io.IOException {
        if (idsFile != null) {
            return CliModels.parseIds(readFile(idsFile), idsFile.toString());
        }
        return modelOptions.tokenizer().encode(readFile(text));
    }

    private static String readFile(Path path) throws java.io.IOException {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("file not found: " + path);
        }
        return Files.readString(path);
    }
}
