package org.llmworkbench.model.io;

import org.llmworkbench.datasets.FileChecksums;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The download path against a local server on 127.0.0.1: never the real internet. */
class HfHubTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HfHub hub;
    private Path cache;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = files.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        cache = tmp.resolve("cache");
        hub = new HfHub(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), cache);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serveCheckpoint(String repo, long seed) throws IOException {
        Path src = tmp.resolve("src-" + seed);
        Safetensors.write(src.resolve("model.safetensors"), TinyGpt2.hfWeights(TinyGpt2.CONFIG, seed), Map.of("format", "pt"), DType.F32);
        TinyGpt2.CONFIG.write(src.resolve("config.json"));
        files.put("/" + repo + "/resolve/main/model.safetensors", Files.readAllBytes(src.resolve("model.safetensors")));
        files.put("/" + repo + "/resolve/main/config.json", Files.readAllBytes(src.resolve("config.json")));
    }

    @Test
    void downloadsOnceRecordsTheChecksumAndLoads() throws IOException {
        serveCheckpoint("tiny/gpt2", 7);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/tiny/gpt2";
        Gpt2Checkpoint ckpt = HfGpt2Layout.load(url, hub);
        assertThat(requests.get()).isEqualTo(2);
        assertThat(ckpt).isEqualTo(HfGpt2Layout.fromHuggingFace(TinyGpt2.hfWeights(TinyGpt2.CONFIG, 7), TinyGpt2.CONFIG));

        Path weights = cache.resolve("tiny/gpt2/model.safetensors");
        String lock = Files.readString(cache.resolve("tiny/gpt2/" + HfHub.LOCK_FILE));
        assertThat(lock).isEqualTo(FileChecksums.sha256(cache.resolve("tiny/gpt2/config.json")) + "  config.json\n"
                + FileChecksums.sha256(weights) + "  model.safetensors\n");

        // second load comes from the cache
        assertThat(HfGpt2Layout.load(url + "/resolve/main/model.safetensors", hub)).isEqualTo(ckpt);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void corruptedCacheIsFetchedAgainAndChangedUpstreamIsRefused() throws IOException {
        serveCheckpoint("tiny/gpt2", 8);
        Path weights = hub.fetch("tiny/gpt2", "model.safetensors", null);
        byte[] good = Files.readAllBytes(weights);
        Files.write(weights, new byte[] {1, 2, 3});
        assertThat(hub.fetch("tiny/gpt2", "model.safetensors", null)).isEqualTo(weights);
        assertThat(Files.readAllBytes(weights)).isEqualTo(good);
        assertThat(requests.get()).isEqualTo(2);

        // upstream now serves different bytes than the lock file recorded
        Files.write(weights, new byte[] {1, 2, 3});
        serveCheckpoint("tiny/gpt2", 9);
        assertThatThrownBy(() -> hub.fetch("tiny/gpt2", "model.safetensors", null))
                .hasMessageContaining("but " + FileChecksums.sha256(tmp.resolve("src-8/model.safetensors")) + " was expected")
                .hasMessageContaining(HfHub.LOCK_FILE);
        assertThat(Files.readAllBytes(weights)).containsExactly(1, 2, 3);
        assertNoTempFiles();
    }

    @Test
    void callerChecksumMismatchLeavesNothingBehind() throws IOException {
        serveCheckpoint("org/m", 10);
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> hub.fetch("org/m", "config.json", wrong))
                .hasMessageContaining("has sha256")
                .hasMessageContaining(wrong + " was expected");
        assertThat(cache.resolve("org/m/config.json")).doesNotExist();
        assertNoTempFiles();

        String right = FileChecksums.sha256(tmp.resolve("src-10/config.json"));
        assertThat(hub.fetch("org/m", "config.json", right.toUpperCase())).hasSameBinaryContentAs(tmp.resolve("src-10/config.json"));
    }

    @Test
    void missingFileAndOfflineGiveClearErrors() throws IOException {
        assertThatThrownBy(() -> hub.fetch("org/none", "config.json", null)).hasMessageContaining("HTTP 404");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HfHub offline = new HfHub(URI.create("http://127.0.0.1:" + closedPort), cache);
        assertThatThrownBy(() -> offline.fetch("org/m", "config.json", null))
                .hasMessageContaining("cannot reach http://127.0.0.1:" + closedPort + "/org/m/resolve/main/config.json")
                .hasMessageContaining("offline");
        assertThat(cache.resolve("org/m/config.json")).doesNotExist();
        assertNoTempFiles();
    }

    @Test
    void offlineHubUsesTheCacheAndNeverTheNetwork() throws IOException {
        serveCheckpoint("org/m", 12);
        Path cached = hub.fetch("org/m", "config.json", null);
        HfHub offline = new HfHub(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), cache, true);
        int before = requests.get();
        assertThat(offline.fetch("org/m", "config.json", null)).isEqualTo(cached);
        assertThatThrownBy(() -> offline.fetch("org/m", "model.safetensors", null))
                .hasMessageContaining("downloads are off (WORKBENCH_OFFLINE=true)")
                .hasMessageContaining("is not in the cache");
        assertThat(requests.get()).isEqualTo(before);
    }

    @Test
    void repoNamesAreCheckedAndParsedFromUrls() {
        assertThat(HfHub.repoFromUrl(URI.create("https://huggingface.co/openai-community/gpt2"))).isEqualTo("openai-community/gpt2");
        assertThat(HfHub.repoFromUrl(URI.create("https://huggingface.co/gpt2/resolve/main/model.safetensors"))).isEqualTo("gpt2");
        assertThat(HfHub.repoFromUrl(URI.create("https://huggingface.co/openai-community/gpt2-xl/tree/main"))).isEqualTo("openai-community/gpt2-xl");
        assertThatThrownBy(() -> hub.fetch("../etc", "passwd", null)).hasMessageContaining("repo '../etc'");
        assertThatThrownBy(() -> hub.fetch("a/b", "../x", null)).hasMessageContaining("file '../x'");
        assertThat(hub.url("openai-community/gpt2", "config.json").getPath()).isEqualTo("/openai-community/gpt2/resolve/main/config.json");
    }

    private void assertNoTempFiles() throws IOException {
        if (!Files.exists(cache)) return;
        try (Stream<Path> all = Files.walk(cache)) {
            assertThat(all.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
