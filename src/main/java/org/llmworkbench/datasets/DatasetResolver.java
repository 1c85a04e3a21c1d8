package org.llmworkbench.datasets;


import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Turns a dataset name into a checked local file. It looks in the explicit data directory, then
 * in the user cache, and only then downloads the manifest's URL into the cache.
 *
 * <p>Every file is checked against the manifest's size and sha256 before it is handed out, so a
 * run card's checksum is a promise about the bytes the run actually read. A download goes to a
 * temporary file in the cache directory and is renamed to its final name only after it checked
 * out; a failed or interrupted download leaves nothing behind.
 */
public final class DatasetResolver {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private static final String WHERE_TO_PUT = "WORKBENCH_DATA_DIR or ~/.cache/llm-workbench";

    private final DatasetManifest manifest;
    private final Path dataDir;
    private final Path cacheDir;
    private final HttpClient http;
    private final boolean downloads;
    private final Duration responseTimeout;
    private final Duration stallTimeout;
    private final Consumer<ResolvedDataset> onResolved;

    private DatasetResolver(Builder b) {
        this.manifest = Objects.requireNonNull(b.manifest, "manifest");
        this.dataDir = b.dataDir;
        this.cacheDir = Objects.requireNonNull(b.cacheDir, "cacheDir");
        this.downloads = b.downloads;
        this.http = b.http != null ? b.http : (b.downloads ? defaultHttpClient() : null);
        this.responseTimeout = b.responseTimeout;
        this.stallTimeout = b.stallTimeout;
        this.onResolved = b.onResolved;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public DatasetManifest manifest() {
        return manifest;
    }

    /** The explicit data directory, or null when none was given. */
    public Path dataDir() {
        return dataDir;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    // ---- resolving ------------------------------------------------------------------------

    /** The checked local file for {@code name}, downloading it into the cache if needed. */
    public ResolvedDataset resolve(String name) {
        DatasetEntry entry = manifest.entry(name);
        ResolvedDataset found = resolveExisting(entry);
        if (found == null) {
            if (!downloads) {
                throw new DatasetException("dataset '" + name + "' was not found in " + searched(entry)
                        + " and downloads are disabled. " + howToProvide(entry));
            }
            found = download(entry);
        }
        if (onResolved != null) onResolved.accept(found);
        return found;
    }

    private ResolvedDataset resolveExisting(DatasetEntry entry) {
        if (dataDir != null) {
            Path p = dataDir.resolve(entry.file());
            if (Files.isRegularFile(p)) return checked(entry, p, ResolvedDataset.Source.DATA_DIR);
        }
        Path cached = cacheDir.resolve(entry.file());
        if (Files.isRegularFile(cached)) return checked(entry, cached, ResolvedDataset.Source.CACHE);
        return null;
    }

    private ResolvedDataset checked(DatasetEntry entry, Path file, ResolvedDataset.Source source) {
        FileCheck check = check(entry, file);
        if (!check.ok()) {
            String remedy = source == ResolvedDataset.Source.CACHE
                    ? "delete it and it will be downloaded again, or replace it with the file from " + entry.url()
                    : "replace it with the file from " + entry.url() + " (or remove it to fall back to the cache)";
            throw new DatasetException("dataset '" + entry.name() + "': " + file + " does not match the manifest: sha256 "
                    + check.actualSha256() + " (" + check.actualSize() + " bytes), expected " + entry.sha256()
                    + " (" + entry.size() + " bytes). It is damaged or a different version; " + remedy + ".");
        }
        return new ResolvedDataset(entry.name(), file, check.actualSha256(), check.actualSize(), source);
    }

    // ---- looking without resolving (for listing and verifying) -----------------------------

    /** A copy of a dataset on disk and where it sits. */
    public record Copy(Path path, ResolvedDataset.Source source) {}

    /** The result of hashing one copy. */
    public record FileCheck(Path path, String expectedSha256, String actualSha256, long expectedSize, long actualSize) {
        public boolean ok() {
            return expectedSize == actualSize && expectedSha256.equals(actualSha256);
        }
    }

    /** Copies present in the data dir and the cache, in resolution order; nothing is hashed or downloaded. */
    public List<Copy> copies(String name) {
        DatasetEntry entry = manifest.entry(name);
        List<Copy> copies = new ArrayList<>(2);
        if (dataDir != null && Files.isRegularFile(dataDir.resolve(entry.file()))) {
            copies.add(new Copy(dataDir.resolve(entry.file()), ResolvedDataset.Source.DATA_DIR));
        }
        if (Files.isRegularFile(cacheDir.resolve(entry.file()))) {
            copies.add(new Copy(cacheDir.resolve(entry.file()), ResolvedDataset.Source.CACHE));
        }
        return copies;
    }

    /** The copy {@link #resolve} would use, if one is already on disk. */
    public Optional<Copy> locate(String name) {
        return copies(name).stream().findFirst();
    }

    public FileCheck check(DatasetEntry entry, Path file) {
        try {
            long size = Files.size(file);
            String sha = FileChecksums.sha256(file);
            return new FileCheck(file, entry.sha256(), sha, entry.size(), size);
        } catch (IOException e) {
            throw new DatasetException("dataset '" + entry.name() + "': cannot read " + file + ": " + e.getMessage()
                    + "; check the file's permissions or remove it", e);
        }
    }

    // ---- downloading -----------------------------------------------------------------------

    private ResolvedDataset download(DatasetEntry entry) {
        Path target = cacheDir.resolve(entry.file());
        Path part = null;
        Path archivePart = null;
        try {
            Files.createDirectories(cacheDir);
            part = org.llmworkbench.AtomicFiles.newSibling(target, ".part", false);
            Fetched fetched;
            if (entry.isArchived()) {
                archivePart = org.llmworkbench.AtomicFiles.newSibling(target, ".zip.part", false);
                fetch(entry, archivePart);
                fetched = extract(entry, archivePart, part);
            } else {
                fetched = fetch(entry, part);
            }
            if (fetched.size() != entry.size() || !fetched.sha256().equals(entry.sha256())) {
                throw new DatasetException("dataset '" + entry.name() + "': the file downloaded from " + entry.url()
                        + (entry.isArchived() ? " (member " + entry.archiveMember() + ")" : "")
                        + " does not match the manifest: sha256 " + fetched.sha256() + " (" + fetched.size()
                        + " bytes), expected " + entry.sha256() + " (" + entry.size() + " bytes). Nothing was saved. "
                        + "The source may have changed. " + howToProvide(entry));
            }
            moveIntoPlace(part, target);
            part = null;
            FileChecksums.remember(target, fetched.sha256());
            return new ResolvedDataset(entry.name(), target, fetched.sha256(), fetched.size(), ResolvedDataset.Source.DOWNLOAD);
        } catch (IOException e) {
            throw new DatasetException("dataset '" + entry.name() + "': cannot write into the cache " + cacheDir + ": "
                    + reason(e) + ". Make it writable or set the system property workbench.cache.dir; or, "
                    + whereToPut(entry), e);
        } finally {
            deleteQuietly(part);
            deleteQuietly(archivePart);
        }
    }

    private record Fetched(long size, String sha256) {}

    /** Streams the entry's URL into {@code into}, hashing as it goes ({@link Download}). */
    private Fetched fetch(DatasetEntry entry, Path into) {
        try {
            Download.Result r = Download.to(http, entry.uri(), into, responseTimeout, stallTimeout);
            return new Fetched(r.size(), r.sha256());
        } catch (Download.Failure f) {
            throw switch (f.kind()) {
                case UNREACHABLE, HTTP_STATUS -> unreachable(entry, f.getMessage(), f.getCause());
                case TRUNCATED -> truncated(entry, f.received(), f.declared(), f.getMessage(), f.getCause());
                case INTERRUPTED -> new DatasetException("dataset '" + entry.name() + "': download from " + entry.uri()
                        + " was interrupted", f);
            };
        }
    }

    private Fetched extract(DatasetEntry entry, Path archive, Path into) {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry member = zip.getEntry(entry.archiveMember());
            if (member == null || member.isDirectory()) {
                List<String> names = zip.stream().map(ZipEntry::getName).limit(20).toList();
                throw new DatasetException("dataset '" + entry.name() + "': the archive from " + entry.url()
                        + " has no file '" + entry.archiveMember() + "' (it holds " + names + "). Nothing was saved. "
                        + howToProvide(entry));
            }
            MessageDigest digest = FileChecksums.newDigest();
            long size = 0;
            try (InputStream in = zip.getInputStream(member); OutputStream out = Files.newOutputStream(into)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    digest.update(buffer, 0, n);
                    size += n;
                }
            }
            return new Fetched(size, FileChecksums.hex(digest.digest()));
        } catch (IOException e) {
            throw new DatasetException("dataset '" + entry.name() + "': the file downloaded from " + entry.url()
                    + " is not a readable zip archive (" + reason(e) + "). Nothing was saved. " + howToProvide(entry), e);
        }
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        org.llmworkbench.AtomicFiles.moveIntoPlace(part, target);
    }

    // ---- messages --------------------------------------------------------------------------

    private DatasetException unreachable(DatasetEntry entry, String why, Throwable cause) {
        return new DatasetException("dataset '" + entry.name() + "' is not on disk and cannot be downloaded from "
                + entry.url() + ": " + why + ". " + howToProvide(entry), cause);
    }

    private DatasetException truncated(DatasetEntry entry, long received, long declared, String why, Throwable cause) {
        String of = declared >= 0 ? " of " + declared : "";
        return new DatasetException("dataset '" + entry.name() + "': download from " + entry.url()
                + " was interrupted after " + received + of + " bytes (" + why + "). Nothing was saved; try again. "
                + howToProvide(entry), cause);
    }

    private String howToProvide(DatasetEntry entry) {
        return "To fix: " + whereToPut(entry);
    }

    private String whereToPut(DatasetEntry entry) {
        Path dir = dataDir != null ? dataDir : cacheDir;
        String get = entry.isArchived()
                ? "download " + entry.url() + ", unzip " + entry.archiveMember() + " from it"
                        + (entry.archiveMember().equals(entry.file()) ? "" : " as " + entry.file())
                : "download " + entry.url();
        return get + " and put " + entry.file() + " into " + dir + " (" + WHERE_TO_PUT + ")";
    }

    private String searched(DatasetEntry entry) {
        return (dataDir != null ? dataDir.resolve(entry.file()) + " or " : "") + cacheDir.resolve(entry.file());
    }

    private static String reason(Throwable e) {
        return Download.reason(e);
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover *.part file never carries a final name
        }
    }

    // ---- construction ----------------------------------------------------------------------

    public static final class Builder {
        private DatasetManifest manifest;
        private Path dataDir;
        private Path cacheDir;
        private HttpClient http;
        private boolean downloads = true;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private Consumer<ResolvedDataset> onResolved;

        private Builder() {}

        public Builder manifest(DatasetManifest manifest) {
            this.manifest = manifest;
            return this;
        }

        /** Looked in first; null for none. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Looked in second; downloads land here. */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        public Builder downloads(boolean allowed) {
            this.downloads = allowed;
            return this;
        }

        /** How long to wait for the response headers. */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = positive(timeout, "responseTimeout");
            return this;
        }

        /** How long the body may send nothing before the download is abandoned. */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = positive(timeout, "stallTimeout");
            return this;
        }

        /** Called with every successful resolution (the run-card ledger listens here). */
        public Builder onResolved(Consumer<ResolvedDataset> listener) {
            this.onResolved = listener;
            return this;
        }

        public DatasetResolver build() {
            if (manifest == null) throw new IllegalArgumentException("manifest is required");
            if (cacheDir == null) throw new IllegalArgumentException("cacheDir is required");
            return new DatasetResolver(this);
        }

        private static Duration positive(Duration d, String field) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " must be a positive duration, got " + d);
            }
            return d;
        }
    }
}
