package org.llmworkbench.datasets;

import org.llmworkbench.Workbench;

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
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP download into a file, hashed (sha256) while it streams: what the dataset resolver and the
 * Hugging Face hub client share. It writes only the file it is given (callers download into a temp
 * file and move it into place once the checksum is right), and says why it failed in a
 * {@link Failure} whose kind the caller turns into advice for its own reader.
 */
public final class Download {
    private Download() {}

    public record Result(long size, String sha256) {}

    /** Why a download failed: the message is the reason in a few words, the kind what to tell the user. */
    public static final class Failure extends IOException {
        public enum Kind { UNREACHABLE, HTTP_STATUS, TRUNCATED, INTERRUPTED }

        private final Kind kind;
        private final int status;
        private final long received;
        private final long declared;

        Failure(Kind kind, String why, int status, long received, long declared, Throwable cause) {
            super(why, cause);
            this.kind = kind;
            this.status = status;
            this.received = received;
            this.declared = declared;
        }

        public Kind kind() { return kind; }

        /** The HTTP status for {@link Kind#HTTP_STATUS}, else 0. */
        public int status() { return status; }

        /** Bytes received before a {@link Kind#TRUNCATED} download stopped. */
        public long received() { return received; }

        /** The Content-Length the server declared, or -1. */
        public long declared() { return declared; }
    }

    /**
     * Streams {@code url} into {@code into}.
     *
     * @param responseTimeout how long to wait for the response to begin
     * @param stallTimeout    how long the body may send nothing before the download counts as cut off
     */
    public static Result to(HttpClient http, URI url, Path into, Duration responseTimeout, Duration stallTimeout)
            throws Failure {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(responseTimeout)
                .header("User-Agent", "llm-workbench/" + Workbench.version())
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("the connection timed out (offline or behind a proxy?)", e);
        } catch (HttpTimeoutException e) {
            throw unreachable("the server did not answer within " + responseTimeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            String why = e.getMessage() == null ? "connection refused or host unreachable" : reason(e);
            throw unreachable("cannot connect (" + why + "; offline?)", e);
        } catch (IOException e) {
            String why = e.getCause() instanceof UnknownHostException ? "unknown host (offline?)" : reason(e);
            throw unreachable(why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.Kind.INTERRUPTED, "interrupted", 0, 0, -1, e);
        }
        if (response.statusCode() != 200) {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // the status is the news
            }
            throw new Failure(Failure.Kind.HTTP_STATUS, "the server answered HTTP " + response.statusCode(),
                    response.statusCode(), 0, -1, null);
        }
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
        MessageDigest digest = FileChecksums.newDigest();
        AtomicLong received = new AtomicLong();
        InputStream in = response.body();
        StallWatchdog watchdog = new StallWatchdog(in, received, stallTimeout);
        try (in; watchdog; OutputStream out = Files.newOutputStream(into)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                received.addAndGet(n);
            }
        } catch (IOException e) {
            String why = watchdog.fired() ? "the server sent nothing for " + stallTimeout.toMillis() + " ms" : reason(e);
            throw new Failure(Failure.Kind.TRUNCATED, why, 0, received.get(), declared, e);
        }
        if (declared >= 0 && received.get() != declared) {
            throw new Failure(Failure.Kind.TRUNCATED, "the connection ended early", 0, received.get(), declared, null);
        }
        return new Result(received.get(), FileChecksums.hex(digest.digest()));
    }

    private static Failure unreachable(String why, Throwable cause) {
        return new Failure(Failure.Kind.UNREACHABLE, why, 0, 0, -1, cause);
    }

    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank()) return m;
        }
        return e.getClass().getSimpleName();
    }

    /**
     * Closes the body when no byte arrived for a whole period: a server that stops sending without
     * closing would otherwise hang the read forever (the request timeout covers only the headers).
     */
    private static final class StallWatchdog implements AutoCloseable {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "download-watchdog");
            t.setDaemon(true);
            return t;
        });

        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> task;

        StallWatchdog(InputStream in, AtomicLong progress, Duration stallTimeout) {
            long periodMs = Math.max(10, stallTimeout.toMillis());
            long[] last = {-1};
            task = TIMER.scheduleAtFixedRate(() -> {
                long now = progress.get();
                if (now == last[0]) {
                    fired.set(true);
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // the reader sees the stream closed either way
                    }
                    throw new IllegalStateException("stalled"); // cancels further runs
                }
                last[0] = now;
            }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        }

        boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
