package org.llmworkbench.datasets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resolver against temp directories and a local HTTP server; never the real internet. */
class DatasetResolverTest {

    private static final byte[] POEM = "The quick brown fox\njumps over the lazy dog.\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CSV = "label\ttext\nham\thello\nspam\tWIN NOW\n".getBytes(StandardCharsets.UTF_8);

    @TempDir Path tmp;
    Path dataDir;
    Path cacheDir;
    HttpServer server;
    ExecutorService serverThreads;
    final AtomicInteger requests = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws IOException {
        dataDir = Files.createDirectories(tmp.resolve("data"));
        cacheDir = tmp.resolve("cache"); // created by the resolver on first download
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/poem.txt", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, POEM.length);
            try (OutputStream out = ex.getResponseBody()) { out.write(POEM); }
        });
        server.createContext("/poem-edited.txt", ex -> { // same size, one byte different
            requests.incrementAndGet();
            byte[] edited = POEM.clone();
            edited[4] = 'Q';
            ex.sendResponseHeaders(200, edited.length);
            try (OutputStream out = ex.getResponseBody()) { out.write(edited); }
        });
        server.createContext("/spam.zip", ex -> {
            requests.incrementAndGet();
            byte[] zip = zip("readme.txt", "about".getBytes(StandardCharsets.UTF_8), "SMSSpamCollection", CSV);
            ex.sendResponseHeaders(200, zip.length);
            try (OutputStream out = ex.getResponseBody()) { out.write(zip); }
        });
        server.createContext("/stall.txt", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, POEM.length);
            OutputStream out = ex.getResponseBody();
            out.write(POEM, 0, 10);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.createContext("/", ex -> { // everything else
            requests.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    // ---- from disk -----------------------------------------------------------------------------

    @Test
    void resolvesFromTheDataDirectoryAndChecksTheHash() throws IOException {
        Files.write(dataDir.resolve("poem.txt"), POEM);
        ResolvedDataset r = resolver(manifest(poem("/poem.txt"))).resolve("poem");
        assertThat(r.path()).isEqualTo(dataDir.resolve("poem.txt"));
        assertThat(r.source()).isEqualTo(ResolvedDataset.Source.DATA_DIR);
        assertThat(r.sha256()).isEqualTo(sha256(POEM));
        assertThat(r.size()).isEqualTo(POEM.length);
        assertThat(requests).hasValue(0);
    }

    @Test
    void dataDirectoryWinsOverTheCache() throws IOException {
        Files.write(dataDir.resolve("poem.txt"), POEM);
        Files.createDirectories(cacheDir);
        Files.write(cacheDir.resolve("poem.txt"), POEM);
        DatasetResolver resolver = resolver(manifest(poem("/poem.txt")));
        assertThat(resolver.resolve("poem").source()).isEqualTo(ResolvedDataset.Source.DATA_DIR);
        assertThat(resolver.copies("poem")).extracting(DatasetResolver.Copy::source)
                .containsExactly(ResolvedDataset.Source.DATA_DIR, ResolvedDataset.Source.CACHE);
    }

    @Test
    void cacheHitNeedsNoNetwork() throws IOException {
        Files.createDirectories(cacheDir);
        Files.write(cacheDir.resolve("poem.txt"), POEM);
        ResolvedDataset r = resolver(manifest(poem("/poem.txt"))).resolve("poem");
        assertThat(r.path()).isEqualTo(cacheDir.resolve("poem.txt"));
        assertThat(r.source()).isEqualTo(ResolvedDataset.Source.CACHE);
        assertThat(requests).hasValue(0);
    }

    @Test
    void damagedFileInTheDataDirectoryIsAnErrorNotSilentlyUsed() throws IOException {
        Path bad = dataDir.resolve("poem.txt");
        Files.writeString(bad, "something else entirely");
        Files.createDirectories(cacheDir);
        Files.write(cacheDir.resolve("poem.txt"), POEM); // a good copy further down must not hide the problem
        assertThatThrownBy(() -> resolver(manifest(poem("/poem.txt"))).resolve("poem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("expected " + sha256(POEM))
                .hasMessageContaining(sha256("something else entirely".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("replace it with the file from http://");
    }

    @Test
    void damagedCacheFileSaysToDeleteIt() throws IOException {
        Files.createDirectories(cacheDir);
        Path bad = cacheDir.resolve("poem.txt");
        Files.writeString(bad, "truncated");
        assertThatThrownBy(() -> resolver(manifest(poem("/poem.txt"))).resolve("poem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("delete it");
        assertThat(requests).hasValue(0);
    }

    @Test
    void hashesAreRememberedPerPathSizeAndModificationTime() throws IOException {
        Path file = dataDir.resolve("poem.txt");
        Files.write(file, POEM);
        FileTime mtime = FileTime.fromMillis(1_600_000_000_000L);
        Files.setLastModifiedTime(file, mtime);
        DatasetResolver resolver = resolver(manifest(poem("/poem.txt")));
        assertThat(resolver.resolve("poem").sha256()).isEqualTo(sha256(POEM));

        // Same size, same mtime: the remembered hash is used, the file is not read again.
        byte[] edited = POEM.clone();
        edited[0] = 't';
        Files.write(file, edited);
        Files.setLastModifiedTime(file, mtime);
        assertThat(resolver.resolve("poem").sha256()).isEqualTo(sha256(POEM));

        // A new mtime means a new look at the bytes.
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_001_000L));
        assertThatThrownBy(() -> resolver.resolve("poem")).hasMessageContaining(sha256(edited));
    }

    // ---- downloads ------------------------------------------------------------------------------

    @Test
    void downloadLandsInTheCacheUnderItsFinalNameAndIsThenACacheHit() throws IOException {
        DatasetResolver resolver = resolver(manifest(poem("/poem.txt")));
        ResolvedDataset r = resolver.resolve("poem");
        assertThat(r.source()).isEqualTo(ResolvedDataset.Source.DOWNLOAD);
        assertThat(r.path()).isEqualTo(cacheDir.resolve("poem.txt"));
        assertThat(Files.readAllBytes(r.path())).isEqualTo(POEM);
        assertThat(r.sha256()).isEqualTo(sha256(POEM));
        assertThat(filesIn(cacheDir)).containsExactly("poem.txt");

        ResolvedDataset again = resolver.resolve("poem");
        assertThat(again.source()).isEqualTo(ResolvedDataset.Source.CACHE);
        assertThat(requests).hasValue(1);
    }

    @Test
    void checksumMismatchAfterDownloadLeavesNothingBehind() throws IOException {
        DatasetResolver resolver = resolver(manifest(poem("/poem-edited.txt")));
        assertThatThrownBy(() -> resolver.resolve("poem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("does not match the manifest")
                .hasMessageContaining("expected " + sha256(POEM))
                .hasMessageContaining("Nothing was saved")
                .hasMessageContaining(server("/poem-edited.txt"));
        assertThat(filesIn(cacheDir)).isEmpty();
    }

    @Test
    void connectionClosedBeforeTheDeclaredLengthLeavesNothingBehind() throws Exception {
        // A raw socket, because the JDK's HttpServer keeps the connection open after a short body.
        try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = raw.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + POEM.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(POEM, 0, 10);
                    out.flush();
                } catch (IOException ignored) {
                    // the client's side of the story is what the test checks
                }
            });
            t.start();
            String url = "http://127.0.0.1:" + raw.getLocalPort() + "/poem.txt";
            DatasetResolver resolver = resolver(manifest(poemAt(url)));
            assertThatThrownBy(() -> resolver.resolve("poem"))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("interrupted after 10 of " + POEM.length + " bytes")
                    .hasMessageContaining(url)
                    .hasMessageContaining("Nothing was saved");
            t.join(10_000);
        }
        assertThat(filesIn(cacheDir)).isEmpty();
    }

    @Test
    void serverThatStopsSendingIsAbandonedAndLeavesNothingBehind() throws IOException {
        DatasetResolver resolver = DatasetResolver.builder()
                .manifest(manifest(poem("/stall.txt"))).dataDir(dataDir).cacheDir(cacheDir)
                .stallTimeout(Duration.ofMillis(200))
                .build();
        assertThatThrownBy(() -> resolver.resolve("poem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("interrupted after 10 of " + POEM.length + " bytes")
                .hasMessageContaining("sent nothing for 200 ms");
        assertThat(filesIn(cacheDir)).isEmpty();
    }

    @Test
    void http404NamesTheUrlAndWhereToPutTheFile() {
        DatasetResolver resolver = resolver(manifest(poem("/gone.txt")));
        assertThatThrownBy(() -> resolver.resolve("poem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("dataset 'poem'")
                .hasMessageContaining(server("/gone.txt"))
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("put poem.txt into " + dataDir + " (WORKBENCH_DATA_DIR or ~/.cache/llm-workbench)");
        assertThat(filesIn(cacheDir)).isEmpty();
    }

    @Test
    void connectionRefusedIsReportedAsOffline() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/poem.txt";
        DatasetResolver resolver = DatasetResolver.builder()
                .manifest(manifest(poemAt(url))).cacheDir(cacheDir).build(); // no data dir: advice names the cache
        assertThatThrownBy(() -> resolver.resolve("poem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("cannot connect")
                .hasMessageContaining("put poem.txt into " + cacheDir);
        assertThat(filesIn(cacheDir)).isEmpty();
    }

    @Test
    void downloadsCanBeSwitchedOff() {
        DatasetResolver resolver = DatasetResolver.builder()
                .manifest(manifest(poem("/poem.txt"))).dataDir(dataDir).cacheDir(cacheDir).downloads(false).build();
        assertThatThrownBy(() -> resolver.resolve("poem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("downloads are disabled")
                .hasMessageContaining(dataDir.resolve("poem.txt").toString())
                .hasMessageContaining(cacheDir.resolve("poem.txt").toString());
        assertThat(requests).hasValue(0);
    }

    @Test
    void zipArchiveMemberIsExtractedAndChecked() throws IOException {
        DatasetEntry spam = new DatasetEntry("spam", "SMSSpamCollection", "test spam", server("/spam.zip"),
                "SMSSpamCollection", sha256(CSV), CSV.length, "test");
        ResolvedDataset r = resolver(manifest(spam)).resolve("spam");
        assertThat(r.source()).isEqualTo(ResolvedDataset.Source.DOWNLOAD);
        assertThat(Files.readAllBytes(r.path())).isEqualTo(CSV);
        assertThat(filesIn(cacheDir)).containsExactly("SMSSpamCollection");
    }

    @Test
    void zipWithoutTheMemberIsAnErrorAndLeavesNothingBehind() {
        DatasetEntry spam = new DatasetEntry("spam", "SMSSpamCollection", "test spam", server("/spam.zip"),
                "sms/SMSSpamCollection.txt", sha256(CSV), CSV.length, "test");
        assertThatThrownBy(() -> resolver(manifest(spam)).resolve("spam"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("has no file 'sms/SMSSpamCollection.txt'")
                .hasMessageContaining("readme.txt");
        assertThat(filesIn(cacheDir)).isEmpty();
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        DatasetResolver resolver = resolver(manifest(poem("/poem.txt")));
        assertThatThrownBy(() -> resolver.resolve("poetry"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown dataset 'poetry'; known datasets: poem");
        assertThatThrownBy(() -> Datasets.resolve("no-such-dataset"))
                .hasMessageContaining("known datasets: the-verdict, tinyshakespeare, sms-spam, instruction-data,"
                        + " instruction-data-with-preference, gpt2-encoder, gpt2-vocab");
    }

    @Test
    void listenerSeesEachResolution() throws IOException {
        Files.write(dataDir.resolve("poem.txt"), POEM);
        List<ResolvedDataset> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        DatasetResolver resolver = DatasetResolver.builder()
                .manifest(manifest(poem("/poem.txt"))).dataDir(dataDir).cacheDir(cacheDir).onResolved(seen::add).build();
        resolver.resolve("poem");
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("poem");
            assertThat(r.sha256()).isEqualTo(sha256(POEM));
        });
    }

    // ---- helpers --------------------------------------------------------------------------------

    private DatasetResolver resolver(DatasetManifest manifest) {
        return DatasetResolver.builder().manifest(manifest).dataDir(dataDir).cacheDir(cacheDir).build();
    }

    private String server(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private DatasetEntry poem(String path) {
        return poemAt(server(path));
    }

    private static DatasetEntry poemAt(String url) {
        return new DatasetEntry("poem", "poem.txt", "a test poem", url, null, sha256(POEM), POEM.length, "test");
    }

    private static DatasetManifest manifest(DatasetEntry... entries) {
        return new DatasetManifest(1, List.of(entries));
    }

    private static List<String> filesIn(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] zip(String name1, byte[] content1, String name2, byte[] content2) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name1));
            zip.write(content1);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(name2));
            zip.write(content2);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
