package org.llmworkbench.eval;

import org.llmworkbench.Json;
import org.llmworkbench.data.ModelResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.data.InstructionPrompts;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bigger model grades a smaller model's answers, as in the book's chapter 7: it sees the
 * instruction, the reference answer and the model's answer and replies with a score from 0 to 100.
 *
 * <p>Talks to any OpenAI-compatible {@code /v1/chat/completions} endpoint at temperature 0 with a
 * fixed seed. Replies are cached on disk (see {@link JudgeCache}); 429 and 5xx answers, refused
 * connections and timeouts are retried with doubling back-off (or the server's {@code Retry-After});
 * the API key is read from the environment variable the config names and is sent only in the
 * {@code Authorization} header: it is never logged, cached or put in an error message.
 */
public final class LlmJudge {

    /** The judge's verdict on one answer: the score when one could be read, the raw reply always. */
    public record Judgement(OptionalDouble score, String reply, boolean cached) {}

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final long MAX_RETRY_AFTER_MS = 60_000;

    private final JudgeConfig config;
    private final String apiKey;
    private final JudgeCache cache;
    private final HttpClient http;
    private int requestsSent;

    public LlmJudge(JudgeConfig config) {
        this(config, System::getenv);
    }

    /** {@code env} looks up environment variables (tests pass a map instead of the real environment). */
    LlmJudge(JudgeConfig config, Function<String, String> env) {
        this.config = config;
        String key = env.apply(config.apiKeyEnv());
        this.apiKey = key == null || key.isBlank() ? null : key.strip();
        this.cache = config.cacheDir() == null ? null : new JudgeCache(config.cacheDir());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout()).build();
    }

    public JudgeConfig config() {
        return config;
    }

    /** HTTP requests made so far (cache hits make none). */
    public int requestsSent() {
        return requestsSent;
    }

    /** The book's scoring prompt: the Alpaca-formatted instruction, the correct output, the model's answer. */
    public static String scoringPrompt(ModelResponse r) {
        return "Given the input `" + InstructionPrompts.alpacaInstruction(r.instruction(), r.input()) + "` "
                + "and correct output `" + r.reference() + "`, "
                + "score the model response `" + r.response() + "`"
                + " on a scale from 0 to 100, where 100 is the best score. "
                + "Respond with the integer number only.";
    }

    public Judgement score(ModelResponse r) {
        String prompt = scoringPrompt(r);
        String key = JudgeCache.key(config.chatCompletionsUri(), config.model(), prompt);
        Optional<String> hit = cache == null ? Optional.empty() : cache.get(key);
        if (hit.isPresent()) {
            return new Judgement(parseScore(hit.get()), hit.get(), true);
        }
        String reply = complete(prompt);
        if (cache != null) {
            cache.put(key, config.chatCompletionsUri(), config.model(), prompt, reply);
        }
        return new Judgement(parseScore(reply), reply, false);
    }

    // --- reading a score out of free text ---

    private static final String NUMBER = "(\\d{1,3}(?:\\.\\d+)?)";
    private static final Pattern ONLY_NUMBER = Pattern.compile("^" + NUMBER + "$");
    private static final Pattern OUT_OF_100 = Pattern.compile(NUMBER + "\\s*(?:/|out of)\\s*100\\b");
    private static final Pattern SCORE_IS = Pattern.compile("\\b(?:score|rating|grade)\\b[^0-9\\n]{0,12}?" + NUMBER);
    private static final Pattern SCALE = Pattern.compile("\\b(?:from\\s+|between\\s+)?0\\s*(?:to|-|–|and)\\s*100\\b");
    private static final Pattern ANY = Pattern.compile("(?<![\\d.])" + NUMBER + "(?![\\d])");

    /**
     * The score in a reply: the bare number the prompt asks for ("85"), else "85/100" or "85 out
     * of 100", else "score: 85", else the first number once mentions of the 0–100 scale are removed.
     * Empty when there is none or it lies outside [0, 100].
     */
    public static OptionalDouble parseScore(String reply) {
        if (reply == null) return OptionalDouble.empty();
        String text = reply.strip().toLowerCase(Locale.ROOT).replaceAll("[*_`\"']", "");
        String bare = text.endsWith(".") ? text.substring(0, text.length() - 1).strip() : text;
        for (Pattern p : new Pattern[] {ONLY_NUMBER, OUT_OF_100, SCORE_IS}) {
            Matcher m = p.matcher(p == ONLY_NUMBER ? bare : text);
            if (m.find()) return inRange(m.group(1));
        }
        Matcher any = ANY.matcher(SCALE.matcher(text).replaceAll(" "));
        return any.find() ? inRange(any.group(1)) : OptionalDouble.empty();
    }

    private static OptionalDouble inRange(String number) {
        double v = Double.parseDouble(number);
        return v >= 0 && v <= 100 ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    // --- one chat completion, with retries ---

    /** The judge's reply to one prompt (uncached). */
    public String complete(String prompt) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", config.model());
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", prompt);
        body.put("temperature", 0);
        body.put("seed", 123);
        body.put("stream", false);
        HttpRequest.Builder request = HttpRequest.newBuilder(config.chatCompletionsUri())
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        String where = config.chatCompletionsUri() + " (model " + config.model() + ")";
        String lastProblem = "";
        int attempts = config.maxRetries() + 1;
        for (int attempt = 0; attempt < attempts; attempt++) {
            long waitMs = config.backoff().toMillis() << attempt;
            try {
                requestsSent++;
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    return replyText(response.body(), where);
                }
                lastProblem = "HTTP " + status + ": " + snippet(response.body());
                if (status != 429 && status < 500) {
                    String hint = status == 401 || status == 403
                            ? " (is the API key in $" + config.apiKeyEnv() + " right?" + (apiKey == null ? " It is not set.)" : ")")
                            : status == 404 ? " (is the model '" + config.model() + "' available there?)" : "";
                    throw new JudgeException("judge at " + where + " refused the request: " + lastProblem + hint);
                }
                waitMs = retryAfterMs(response).orElse(waitMs);
            } catch (HttpTimeoutException e) {
                lastProblem = "no answer within " + config.timeout().toMillis() + " ms";
            } catch (ConnectException e) {
                lastProblem = "cannot connect (is the server running? Ollama: `ollama serve`)";
            } catch (IOException e) {
                lastProblem = "I/O error: " + redact(String.valueOf(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JudgeException("interrupted while waiting for the judge at " + where);
            }
            if (attempt + 1 < attempts) {
                sleep(waitMs);
            }
        }
        throw new JudgeException("judge at " + where + " gave no usable answer after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + ": " + lastProblem);
    }

    private String replyText(String body, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new JudgeException("judge at " + where + " answered with something that is not JSON: " + snippet(body));
        }
        JsonNode content = root == null ? null : root.path("choices").path(0).path("message").path("content");
        if (content == null || !content.isTextual()) {
            throw new JudgeException("judge at " + where + " answered JSON without choices[0].message.content "
                    + "(is it an OpenAI-compatible chat endpoint?): " + snippet(body));
        }
        return content.asText();
    }

    private static Optional<Long> retryAfterMs(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Math.min(MAX_RETRY_AFTER_MS, (long) (Double.parseDouble(v.strip()) * 1000)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** At most 200 characters of a server's answer, with the API key blanked out should a server echo it. */
    private String snippet(String body) {
        String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        s = redact(s);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private String redact(String s) {
        return apiKey == null ? s : s.replace(apiKey, "[API key]");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(0, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JudgeException("interrupted while backing off between judge requests");
        }
    }
}
