package org.llmworkbench.eval;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the judge model runs and how patiently to ask it. The endpoint is any OpenAI-compatible
 * chat server (Ollama, vLLM, OpenAI); a base URL gets {@code /v1/chat/completions} appended. The
 * API key is never part of the config: only the <em>name</em> of the environment variable that
 * holds it, so a config can be printed, logged or saved in a run card without leaking it.
 */
public record JudgeConfig(URI endpoint, String model, String apiKeyEnv, Duration timeout, int maxRetries,
                          Duration backoff, Path cacheDir) {

    /** Ollama on this machine; {@code ollama pull llama3} gives the book's judge. */
    public static final String DEFAULT_ENDPOINT = "http://localhost:11434";
    public static final String DEFAULT_MODEL = "llama3";
    public static final String DEFAULT_API_KEY_ENV = "WORKBENCH_JUDGE_API_KEY";

    public JudgeConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("judge endpoint must be an http(s) URL like " + DEFAULT_ENDPOINT
                    + ", got '" + endpoint + "'");
        }
        if (endpoint.getUserInfo() != null) {
            throw new IllegalArgumentException("judge endpoint must not carry credentials in the URL; put the key in $"
                    + (apiKeyEnv == null ? DEFAULT_API_KEY_ENV : apiKeyEnv));
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("judge model must be named (e.g. llama3 for Ollama)");
        }
        apiKeyEnv = apiKeyEnv == null || apiKeyEnv.isBlank() ? DEFAULT_API_KEY_ENV : apiKeyEnv;
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("judge timeout must be > 0, got " + timeout);
        }
        if (maxRetries < 0 || maxRetries > 10) {
            throw new IllegalArgumentException("judge maxRetries must be in [0, 10], got " + maxRetries);
        }
        if (backoff == null || backoff.isNegative()) {
            throw new IllegalArgumentException("judge backoff must be >= 0, got " + backoff);
        }
    }

    /** Defaults: 60 s per request, 3 retries starting at 1 s and doubling, no cache. */
    public static JudgeConfig of(String endpoint, String model) {
        return new JudgeConfig(URI.create(endpoint == null ? DEFAULT_ENDPOINT : endpoint),
                model == null ? DEFAULT_MODEL : model, DEFAULT_API_KEY_ENV, Duration.ofSeconds(60), 3,
                Duration.ofSeconds(1), null);
    }

    public JudgeConfig withCacheDir(Path dir) {
        return new JudgeConfig(endpoint, model, apiKeyEnv, timeout, maxRetries, backoff, dir);
    }

    public JudgeConfig withTimeout(Duration t) {
        return new JudgeConfig(endpoint, model, apiKeyEnv, t, maxRetries, backoff, cacheDir);
    }

    public JudgeConfig withRetries(int retries, Duration firstBackoff) {
        return new JudgeConfig(endpoint, model, apiKeyEnv, timeout, retries, firstBackoff, cacheDir);
    }

    public JudgeConfig withApiKeyEnv(String name) {
        return new JudgeConfig(endpoint, model, name, timeout, maxRetries, backoff, cacheDir);
    }

    /** The chat-completions URL requests go to. */
    public URI chatCompletionsUri() {
        String s = endpoint.toString();
        if (s.endsWith("/chat/completions")) return endpoint;
        if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return URI.create(s.endsWith("/v1") ? s + "/chat/completions" : s + "/v1/chat/completions");
    }
}
