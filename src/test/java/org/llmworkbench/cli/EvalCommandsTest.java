package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.eval.RatingSession;
import org.llmworkbench.data.ResponsesFile;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class EvalCommandsTest {

    private static ModelResponse r(String model, String instruction, String reference, String response) {
        return new ModelResponse(instruction, "", reference, response, model, "alpaca", Map.of("max_new_tokens", 64));
    }

    private static Path write(Path dir, String name, List<ModelResponse> records) throws Exception {
        Path f = dir.resolve(name);
        ResponsesFile.write(f, records);
        return f;
    }

    private static final String REF1 = "The capital of France is Paris.";
    private static final String REF2 = "An antonym of complicated is simple.";

    @Test
    void evaluatePrintsATableAndOneJsonLinePerModel(@TempDir Path dir) throws Exception {
        Path perfect = write(dir, "perfect.json", List.of(r("tuned", "Capital of France?", REF1, REF1),
                r("tuned", "Antonym of complicated?", REF2, REF2)));
        Path partial = write(dir, "partial.json", List.of(r("base", "Capital of France?", REF1, "Paris is the capital."),
                r("base", "Antonym of complicated?", REF2, "I do not know.")));
        CliRun run = CliRun.of("evaluate", "--responses", perfect.toString(), "--responses", partial.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("rougeL_f1").contains("tuned").contains("base");
        JsonNode json = run.lastJson();
        assertThat(json.get("command").asText()).isEqualTo("evaluate");
        JsonNode tuned = json.get("results").get(0);
        assertThat(tuned.get("model").asText()).isEqualTo("tuned");
        assertThat(tuned.get("n").asInt()).isEqualTo(2);
        assertThat(tuned.get("rougeL_f1").asDouble()).isEqualTo(1.0);
        assertThat(tuned.get("bleu").asDouble()).isEqualTo(100.0);
        assertThat(tuned.get("exact_match").asDouble()).isEqualTo(1.0);
        JsonNode base = json.get("results").get(1);
        // "paris is the capital" vs "the capital of france is paris": 4 of 4 and 4 of 6 unigrams, LCS "the capital" (2)
        assertThat(base.get("rouge1_f1").asDouble()).isEqualTo(Math.round((0.8 / 2) * 1e4) / 1e4);
        assertThat(base.get("rougeL_f1").asDouble()).isEqualTo(Math.round((2 * 0.5 * (2 / 6.0) / (0.5 + 2 / 6.0) / 2) * 1e4) / 1e4);
        assertThat(base.get("exact_match").asDouble()).isZero();
        assertThat(base.get("bleu").asDouble()).isLessThan(10);
    }

    @Test
    void evaluateWithAJudgeAndMetricSelection(@TempDir Path dir) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String reply = hits.getAndIncrement() == 0 ? "70" : "Score: 90/100";
            byte[] body = ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"" + reply + "\"}}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Path file = write(dir, "tuned.json", List.of(r("tuned", "Capital of France?", REF1, REF1),
                    r("tuned", "Antonym of complicated?", REF2, "Simple.")));
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            String[] args = {"evaluate", "--responses", file.toString(), "--metrics", "rouge", "--judge", url,
                    "--judge-model", "llama3", "--judge-cache", dir.resolve("cache").toString()};
            CliRun run = CliRun.of(args);
            assertThat(run.code()).as(run.err()).isZero();
            JsonNode row = run.lastJson().get("results").get(0);
            assertThat(row.get("judge_mean").asDouble()).isEqualTo(80.0);
            assertThat(row.get("judge_scored").asInt()).isEqualTo(2);
            assertThat(row.has("bleu")).isFalse();
            assertThat(run.lastJson().get("judge").get("requests").asInt()).isEqualTo(2);
            // the second run is answered from the cache
            CliRun again = CliRun.of(args);
            assertThat(again.lastJson().get("judge").get("requests").asInt()).isZero();
            assertThat(again.lastJson().get("results").get(0).get("judge_mean").asDouble()).isEqualTo(80.0);
            assertThat(hits.get()).isEqualTo(2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void evaluateRefusesBadInputClearly(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"instruction\":\"x\"}]");
        CliRun run = CliRun.of("evaluate", "--responses", bad.toString());
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("bad.json: record 0: missing required field \"reference\"");
        Path ok = write(dir, "ok.json", List.of(r("m", "i", "a", "a")));
        assertThat(CliRun.of("evaluate", "--responses", ok.toString(), "--metrics", "rouge,meteor").err())
                .contains("unknown metric 'meteor'");
    }

    @Test
    void benchEvalEndsWithOneJsonLine() throws Exception {
        CliRun run = CliRun.of("bench", "eval", "--pairs", "300", "--rounds", "1");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = run.lastJson();
        assertThat(json.get("bench").asText()).isEqualTo("eval");
        assertThat(json.get("pairs").asInt()).isEqualTo(300);
        assertThat(json.get("seconds").asDouble()).isPositive();
        assertThat(json.get("rouge_l_f1_mean").asDouble()).isBetween(0.3, 0.95);
        assertThat(json.get("corpus_bleu").asDouble()).isBetween(5.0, 95.0);
    }

    @Test
    void rateWithEverythingRatedReportsAndExits(@TempDir Path dir) throws Exception {
        List<ModelResponse> a = List.of(r("tuned", "Capital of France?", REF1, REF1));
        List<ModelResponse> b = List.of(r("base", "Capital of France?", REF1, "Lyon"));
        Path out = dir.resolve("ratings");
        RatingSession session = RatingSession.open(a, b, out, 3);
        RatingSession.Item item = session.current().orElseThrow();
        session.record(item.id(), item.a().model().equals("tuned") ? RatingSession.Choice.A : RatingSession.Choice.B);
        // resume with a seed that shows the pair the other way round (the coin is Random(seed).nextBoolean()
        // per item): the saved choice must still count for the model that was chosen
        long flipped = 0;
        while (new java.util.Random(flipped).nextBoolean() == new java.util.Random(3).nextBoolean()) flipped++;
        CliRun run = CliRun.of("rate", "--responses", write(dir, "a.json", a).toString(),
                "--responses", write(dir, "b.json", b).toString(), "--out", out.toString(), "--seed", Long.toString(flipped));
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = run.lastJson();
        assertThat(json.get("rated").asInt()).isEqualTo(1);
        assertThat(json.get("wins").get("tuned").asInt()).isEqualTo(1);
        assertThat(json.get("wins").get("base").asInt()).isZero();
        CliRun one = CliRun.of("rate", "--responses", write(dir, "a.json", a).toString());
        assertThat(one.err()).contains("exactly two --responses");
    }
}
