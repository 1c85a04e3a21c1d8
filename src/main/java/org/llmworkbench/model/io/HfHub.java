package org.llmworkbench.model.io;

import org.llmworkbench.AtomicFiles;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.datasets.FileChecksums;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Fetches files of a Hugging Face model repo into a local cache ({@code {cache}/{repo}/{file}}).
 * A download lands in a temp file, is checked against a sha256 (the caller's, or the one recorded
 * in the repo's lock file the first time), and only then renamed into place; the cached copy is
 * re-checked on every use, so a corrupted cache is noticed and fetched again.
 */
public final class HfHub {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    public static final String LOCK_FILE = "sha256.lock";
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final URI endpoint;
    private final Path cacheRoot;
    private final boolean offline;
    private final HttpClient http;

    public HfHub(URI endpoint, Path cacheRoot) {
        this(endpoint, cacheRoot, false);
    }

    /** With {@code offline} set, only files already in the cache are used; nothing is downloaded. */
    public HfHub(URI endpoint, Path cacheRoot, boolean offline) {
        this.endpoint = endpoint;
        this.cacheRoot = cacheRoot;
        this.offline = offline;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    /**
     * huggingface.co with the cache from system property {@code workbench.hf.cache}, else env
     * {@code WORKBENCH_HF_CACHE}, else {@code ~/.cache/llm-workbench/hf}; offline when the
     * workbench is ({@code WORKBENCH_OFFLINE=true}).
     */
    public static HfHub defaults() {
        return new HfHub(DEFAULT_ENDPOINT, defaultCacheRoot(), Datasets.offline());
    }

    public static Path defaultCacheRoot() {
        String p = System.getProperty("workbench.hf.cache");
        if (p == null || p.isBlank()) p = System.getenv("WORKBENCH_HF_CACHE");
        if (p != null && !p.isBlank()) return Path.of(p);
        return Path.of(System.getProperty("user.home"), ".cache", "llm-workbench", "hf");
    }

    public Path cacheDir(String repo) {
        checkRepo(repo);
        return cacheRoot.resolve(repo);
    }

    public URI url(String repo, String file) {
        checkRepo(repo);
        checkFile(file);
        String base = endpoint.toString().replaceAll("/+$", "");
        return URI.create(base + "/" + repo + "/resolve/main/" + file);
    }

    /** The repo of {@code https://huggingface.co/{repo}}, with or without a trailing {@code /resolve/…}, {@code /tree/…} or {@code /blob/…}. */
    public static String repoFromUrl(URI url) {
        String path = url.getPath() == null ? "" : url.getPath().replaceAll("^/+|/+$", "");
        for (String marker : new String[] {"/resolve/", "/tree/", "/blob/"}) {
            int i = path.indexOf(marker);
            if (i >= 0) path = path.substring(0, i);
        }
        if (!REPO.matcher(path).matches()) {
            throw new IllegalArgumentException("'" + url + "' is not a Hugging Face model URL like https://huggingface.co/openai-community/gpt2");
        }
        return path;
    }

    /** The cached file, downloaded first if it is missing or fails its checksum. */
    public Path fetch(String repo, String file, String expectedSha256) throws IOException {
        checkFile(file);
        Path dir = cacheDir(repo);
        Path target = dir.resolve(file);
        if (expectedSha256 != null) {
            expectedSha256 = expectedSha256.toLowerCase(java.util.Locale.ROOT);
            if (!SHA256.matcher(expectedSha256).matches()) {
                throw new IllegalArgumentException("expected sha256 '" + expectedSha256 + "' must be 64 hex digits");
            }
        }
        Map<String, String> lock = readLock(dir);
        String expected = expectedSha256 != null ? expectedSha256 : lock.get(file);
        if (Files.isRegularFile(target)) {
            String actual = FileChecksums.sha256(target);
            if (expected == null || expected.equals(actual)) {
                record(dir, lock, file, actual);
                return target;
            }
            // The cached copy is not the file we want (corrupted, or an older revision): fetch it again.
        }
        URI url = url(repo, file);
        if (offline) {
            throw new IOException("downloads are off (" + Datasets.OFFLINE_ENV + "=true) and " + target
                    + (Files.isRegularFile(target) ? " does not match its sha256 " + expected : " is not in the cache")
                    + ": copy " + url + " there by hand, or load from a local directory");
        }
        String finalExpected = expected;
        String[] got = new String[1];
        AtomicFiles.write(target, temp -> {
            got[0] = download(url, temp);
            if (finalExpected != null && !finalExpected.equals(got[0])) {
                throw new IOException("download of " + url + " has sha256 " + got[0] + " but " + finalExpected
                        + " was expected: the download is corrupt or the file changed upstream. Nothing was written to "
                        + target + "; retry, or update the expected checksum in " + dir.resolve(LOCK_FILE));
            }
        });
        record(dir, lock, file, got[0]);
        return target;
    }

    private String download(URI url, Path temp) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
            throw offline(url, temp, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + url + " interrupted", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnknownHostException || e.getCause() instanceof ConnectException) throw offline(url, temp, e);
            throw e;
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("download of " + url + " failed with HTTP " + response.statusCode()
                        + (response.statusCode() == 404 ? ": check the repo and file name" : "")
                        + (response.statusCode() == 401 || response.statusCode() == 403 ? ": the repo may be gated or private" : ""));
            }
            MessageDigest digest = FileChecksums.newDigest();
            try (DigestInputStream in = new DigestInputStream(body, digest); OutputStream out = Files.newOutputStream(temp)) {
                in.transferTo(out);
            }
            return FileChecksums.hex(digest.digest());
        }
    }

    private IOException offline(URI url, Path temp, Exception cause) {
        Path dir = temp.getParent();
        return new IOException("cannot reach " + url + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                + "): are you offline? Put the file into " + dir + " by hand, or load from a local directory instead", cause);
    }

    // ---- lock file: "sha256  file" lines, like sha256sum --------------------------------------

    private static Map<String, String> readLock(Path dir) throws IOException {
        Map<String, String> lock = new TreeMap<>();
        Path file = dir.resolve(LOCK_FILE);
        if (!Files.isRegularFile(file)) return lock;
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length != 2 || !SHA256.matcher(parts[0]).matches()) {
                throw new IOException(file + " line " + lineNo + ": expected '<sha256>  <file>', got '" + line
                        + "'; fix or delete the lock file");
            }
            lock.put(parts[1], parts[0]);
        }
        return lock;
    }

    private static void record(Path dir, Map<String, String> lock, String file, String sha) throws IOException {
        if (sha.equals(lock.get(file))) return;
        lock.put(file, sha);
        StringBuilder sb = new StringBuilder();
        lock.forEach((f, s) -> sb.append(s).append("  ").append(f).append('\n'));
        AtomicFiles.writeBytes(dir.resolve(LOCK_FILE), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void checkRepo(String repo) {
        if (repo == null || !REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("repo '" + repo + "' must look like 'owner/name' or 'name'");
        }
    }

    private static void checkFile(String file) {
        if (file == null || !FILE.matcher(file).matches() || file.contains("..")) {
            throw new IllegalArgumentException("file '" + file + "' must be a relative path inside the repo");
        }
    }
}
