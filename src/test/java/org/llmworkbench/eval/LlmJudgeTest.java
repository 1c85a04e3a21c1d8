package org.llmworkbench.eval;

import org.llmworkbench.data.ModelResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The judge client against a local stand-in for an OpenAI-compatible server on 127.0.0.1. */
class LlmJudgeTest {
    private static final String KEY = "sk-test-0123456789-do-not-leak";
    private static final ModelResponse ANSWER = new ModelResponse("Rewrite the sentence using a simile.",
            "The car is very fast.", "The car is as fast as lightning.", "The car is as fast as a bullet.",
            "gpt2-medium-sft", "alpaca", Map.of("max_new_tokens", 256));

    /** One scripted reply: status, body, delay. */
    private record Reply(int status, String body, long delayMs) {}

    private HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private String serve(Reply... script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", exchange -> {
            int n = hits.getAndIncrement();
            authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Reply r = script[Math.min(n, script.length - 1)];
            try {
                Thread.sleep(r.delayMs());
            } catch (InterruptedException e) {
                return;
            }
            respond(exchange, r);
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, Reply r) throws IOException {
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        if (r.status() == 429) exchange.getResponseHeaders().add("Retry-After", "0");
        try {
            exchange.sendResponseHeaders(r.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException clientGone) {
            // the client timed out first
        } finally {
            exchange.close();
        }
    }

    private static String chat(String content) {
        return "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + new ObjectMapper().valueToTree(content) + "},\"finish_reason\":\"stop\"}]}";
    }

    private LlmJudge judge(String url, Path cache, Duration timeout, int retries) {
        JudgeConfig config = JudgeConfig.of(url, "llama3").withCacheDir(cache).withTimeout(timeout)
                .withRetries(retries, Duration.ofMillis(5)).withApiKeyEnv("TEST_JUDGE_KEY");
        return new LlmJudge(config, name -> name.equals("TEST_JUDGE_KEY") ? KEY : null);
    }

    @Test
    void goodAnswerIsScoredSentWithTheBooksPromptAndCached(@TempDir Path dir) throws Exception {
        String url = serve(new Reply(200, chat("85"), 0));
        LlmJudge judge = judge(url, dir.resolve("cache"), Duration.ofSeconds(5), 0);
        LlmJudge.Judgement first = judge.score(ANSWER);
        assertThat(first.score()).hasValue(85.0);
        assertThat(first.cached()).isFalse();
        JsonNode request = new ObjectMapper().readTree(bodies.get(0));
        assertThat(request.get("model").asText()).isEqualTo("llama3");
        assertThat(request.get("temperature").asInt()).isZero();
        assertThat(request.at("/messages/0/content").asText()).isEqualTo(LlmJudge.scoringPrompt(ANSWER))
                .startsWith("Given the input `Below is an instruction that describes a task.")
                .contains("### Input:\nThe car is very fast.` and correct output `The car is as fast as lightning.`, "
                        + "score the model response `The car is as fast as a bullet.` on a scale from 0 to 100, "
                        + "where 100 is the best score. Respond with the integer number only.");
        assertThat(authHeaders).containsExactly("Bearer " + KEY);

        // the same prompt again, even from a new client: from disk, no request
        LlmJudge.Judgement again = judge(url, dir.resolve("cache"), Duration.ofSeconds(5), 0).score(ANSWER);
        assertThat(again.cached()).isTrue();
        assertThat(again.score()).hasValue(85.0);
        assertThat(hits.get()).isEqualTo(1);
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            assertThat(files.toList()).hasSize(1);
        }
    }

    @Test
    void malformedAnswersFailClearlyOrGiveNoScore(@TempDir Path dir) throws Exception {
        String url = serve(new Reply(200, "<html>gateway</html>", 0), new Reply(200, "{\"result\":\"85\"}", 0),
                new Reply(200, chat("I cannot grade this answer."), 0));
        LlmJudge judge = judge(url, dir, Duration.ofSeconds(5), 0);
        assertThatThrownBy(() -> judge.complete("p")).isInstanceOf(JudgeException.class)
                .hasMessageContaining("not JSON").hasMessageContaining("<html>gateway</html>");
        assertThatThrownBy(() -> judge.complete("p")).hasMessageContaining("without choices[0].message.content");
        LlmJudge.Judgement unreadable = judge.score(ANSWER);
        assertThat(unreadable.score()).isEmpty();
        assertThat(unreadable.reply()).isEqualTo("I cannot grade this answer.");
    }

    @Test
    void slowAnswerTimesOut(@TempDir Path dir) throws Exception {
        String url = serve(new Reply(200, chat("90"), 1_500));
        LlmJudge judge = judge(url, dir, Duration.ofMillis(300), 0);
        long start = System.nanoTime();
        assertThatThrownBy(() -> judge.score(ANSWER)).isInstanceOf(JudgeException.class)
                .hasMessageContaining("no answer within 300 ms").hasMessageContaining("after 1 attempt");
        assertThat((System.nanoTime() - start) / 1e6).isLessThan(2_500);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).as("nothing cached for a failed call").isEmpty();
        }
    }

    @Test
    void tooManyRequestsIsRetriedUntilItSucceeds(@TempDir Path dir) throws Exception {
        String url = serve(new Reply(429, "{\"error\":\"rate limited\"}", 0), new Reply(429, "slow down", 0),
                new Reply(200, chat("Score: 72/100"), 0));
        LlmJudge judge = judge(url, dir, Duration.ofSeconds(5), 3);
        assertThat(judge.score(ANSWER).score()).hasValue(72.0);
        assertThat(hits.get()).isEqualTo(3);
        assertThat(judge.requestsSent()).isEqualTo(3);
    }

    @Test
    void serverErrorsAreRetriedThenReported(@TempDir Path dir) throws Exception {
        String url = serve(new Reply(500, "internal error", 0));
        LlmJudge judge = judge(url, dir, Duration.ofSeconds(5), 2);
        assertThatThrownBy(() -> judge.score(ANSWER)).isInstanceOf(JudgeException.class)
                .hasMessageContaining("after 3 attempts").hasMessageContaining("HTTP 500: internal error");
        assertThat(hits.get()).isEqualTo(3);
    }

    @Test
    void theApiKeyAppearsInNoWrittenFileAndNoMessage(@TempDir Path dir) throws Exception {
        // a server that echoes the key back in an error must not make us print it
        String url = serve(new Reply(200, chat("88"), 0), new Reply(401, "bad key " + KEY, 0));
        Path cache = dir.resolve("judge-cache");
        LlmJudge judge = judge(url, cache, Duration.ofSeconds(5), 0);
        judge.score(ANSWER);
        assertThatThrownBy(() -> judge.complete("other prompt"))
                .hasMessageContaining("HTTP 401").hasMessageContaining("$TEST_JUDGE_KEY").hasMessageNotContaining(KEY);
        assertThat(judge.config().toString()).doesNotContain(KEY);
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).isNotEmpty();
            for (Path f : written) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(KEY).doesNotContain("0123456789-do-not");
            }
        }
    }

    @Test
    void scoresAreReadFromTheWaysModelsActuallyReply() {
        assertThat(LlmJudge.parseScore("85")).hasValue(85.0);
        assertThat(LlmJudge.parseScore("**92**.")).hasValue(92.0);
        assertThat(LlmJudge.parseScore("I would rate this response 72 out of 100.")).hasValue(72.0);
        assertThat(LlmJudge.parseScore("On a scale from 0 to 100, I'd give it 60 because it is vague.")).hasValue(60.0);
        assertThat(LlmJudge.parseScore("Score: 45\nThe answer misses the point in 2 places.")).hasValue(45.0);
        assertThat(LlmJudge.parseScore("87.5")).hasValue(87.5);
        assertThat(LlmJudge.parseScore("250")).isEmpty();
        assertThat(LlmJudge.parseScore("I cannot score this.")).isEmpty();
        assertThat(LlmJudge.parseScore("")).isEmpty();
    }

    @Test
    void configRefusesBadValuesAndBuildsTheChatUrl() {
        assertThat(JudgeConfig.of(null, null).chatCompletionsUri().toString())
                .isEqualTo("http://localhost:11434/v1/chat/completions");
        assertThat(JudgeConfig.of("https://api.example.com/v1", "m").chatCompletionsUri().toString())
                .isEqualTo("https://api.example.com/v1/chat/completions");
        assertThatThrownBy(() -> JudgeConfig.of("localhost:11434", "m")).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> JudgeConfig.of("http://user:pw@host", "m")).hasMessageContaining("credentials");
        assertThatThrownBy(() -> JudgeConfig.of(null, "m").withTimeout(Duration.ZERO)).hasMessageContaining("timeout");
    }
}
