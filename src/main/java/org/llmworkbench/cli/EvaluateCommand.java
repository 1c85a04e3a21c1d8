package org.llmworkbench.cli;

import org.llmworkbench.eval.JudgeConfig;
import org.llmworkbench.eval.LlmJudge;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.eval.ResponseEvaluation;
import org.llmworkbench.data.ResponsesFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench evaluate}: scores saved responses (never generates) with ROUGE, BLEU, exact
 * match / token F1 and optionally an LLM judge; prints a comparison table and one JSON line.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score saved model responses (ROUGE, BLEU, exact match, LLM judge); ends with one JSON line.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--responses", required = true, arity = "1..*",
            description = "Responses file(s): JSON arrays of {instruction, input, reference, response, model, prompt_format, generation}.")
    List<Path> responses;

    @Option(names = "--metrics", defaultValue = "rouge,bleu,em", description = "Comma-separated: rouge, bleu, em. Default: ${DEFAULT-VALUE}")
    String metrics;

    @Option(names = "--stem", description = "Porter-stem words for ROUGE (rouge-score's use_stemmer=True).")
    boolean stem;

    @Option(names = "--judge", arity = "0..1", fallbackValue = JudgeConfig.DEFAULT_ENDPOINT, paramLabel = "URL",
            description = "Also score with an LLM judge at this OpenAI-compatible endpoint (alone: " + JudgeConfig.DEFAULT_ENDPOINT + ", Ollama).")
    String judge;

    @Option(names = "--judge-model", defaultValue = JudgeConfig.DEFAULT_MODEL, description = "Judge model name. Default: ${DEFAULT-VALUE}")
    String judgeModel;

    @Option(names = "--judge-key-env", defaultValue = JudgeConfig.DEFAULT_API_KEY_ENV,
            description = "Environment variable holding the judge's API key (the key itself is never printed or saved). Default: ${DEFAULT-VALUE}")
    String judgeKeyEnv;

    @Option(names = "--judge-cache", description = "Directory of cached judge replies. Default: ~/.cache/llm-workbench/judge")
    Path judgeCache;

    @Option(names = "--judge-timeout", defaultValue = "60", description = "Seconds to wait for one judge reply. Default: ${DEFAULT-VALUE}")
    double judgeTimeout;

    @Option(names = "--judge-retries", defaultValue = "3", description = "Retries on 429/5xx/timeouts, doubling from 1 s. Default: ${DEFAULT-VALUE}")
    int judgeRetries;

    @Override
    public Integer call() throws Exception {
        var selected = ResponseEvaluation.Metric.parse(metrics);
        LlmJudge llmJudge = null;
        if (judge != null) {
            if (!(judgeTimeout > 0)) throw new IllegalArgumentException("--judge-timeout must be > 0 seconds, got " + judgeTimeout);
            Path cache = judgeCache != null ? judgeCache
                    : Path.of(System.getProperty("user.home"), ".cache", "llm-workbench", "judge");
            llmJudge = new LlmJudge(JudgeConfig.of(judge, judgeModel).withApiKeyEnv(judgeKeyEnv).withCacheDir(cache)
                    .withTimeout(Duration.ofMillis((long) (judgeTimeout * 1000)))
                    .withRetries(judgeRetries, Duration.ofSeconds(1)));
        }
        long start = System.nanoTime();
        List<ResponseEvaluation.Summary> summaries = new ArrayList<>();
        for (Path file : responses) {
            List<ModelResponse> records = ResponsesFile.read(file);
            summaries.add(ResponseEvaluation.of(file.toString(), records, selected, stem, llmJudge).summary());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(ResponseEvaluation.table(summaries).printAll());
        System.out.println("ROUGE and exact match/F1 are fractions (0-1); BLEU is corpus BLEU 0-100 (sacreBLEU 13a)"
                + (llmJudge == null ? "; add --judge [URL] for LLM-judge scores (0-100)." : "; judge scores 0-100."));

        JsonLine json = JsonLine.command("evaluate")
                .put("metrics", selected.stream().map(m -> m.name().toLowerCase()).toList())
                .put("stemming", stem);
        if (llmJudge != null) {
            json.put("judge", Map.of("endpoint", llmJudge.config().chatCompletionsUri().toString(), "model", judgeModel,
                    "requests", llmJudge.requestsSent()));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (ResponseEvaluation.Summary s : summaries) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", s.source());
            row.put("model", s.model());
            row.put("n", s.count());
            s.figures().forEach((k, v) -> row.put(k, Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null));
            results.add(row);
        }
        json.put("results", results).put("seconds", Math.round(seconds * 1000) / 1000.0).println(System.out);
        return 0;
    }
}
