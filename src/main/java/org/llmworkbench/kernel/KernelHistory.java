package org.llmworkbench.kernel;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.llmworkbench.Json;
import org.llmworkbench.AtomicFiles;

/**
 * What a user typed into the kernel, kept across kernel restarts like IPython's history, so that
 * Up-arrow in {@code jupyter console} recalls inputs of earlier sessions and {@code history_request}
 * (tail, range, search) answers from all of them.
 *
 * <p>One small JSON file per user. Each kernel start is a new session, numbered one past the last
 * the file has seen; its lines are the cells' execution counts. The file is rewritten whole and
 * atomically, under a lock and merged with what other kernels wrote meanwhile, on a background
 * thread so a cell never waits for the disk. A rewrite costs time in proportion to the file (about
 * 8 ms of CPU at {@link #MAX_ENTRIES} entries), so it happens at most once per {@link #SAVE_DELAY_MS}
 * however fast cells run, and at shutdown; a kernel that is killed loses at most that much. It stays small: only the newest {@link #MAX_ENTRIES}
 * entries and {@link #MAX_CHARS} characters are kept, and a cell longer than
 * {@link #MAX_INPUT_CHARS} (pasted data, not something to recall) is not recorded.
 */
final class KernelHistory {
    /** A path for the history file, or {@code off} to keep history only for the running session. */
    static final String PROPERTY = "workbench.kernel.history";
    static final String ENV = "WORKBENCH_KERNEL_HISTORY";
    static final String FILE_NAME = "kernel-history.json";
    static final String FORMAT = "llm-workbench kernel history";
    static final int MAX_ENTRIES = 5_000;
    static final int MAX_CHARS = 1_000_000;
    static final int MAX_INPUT_CHARS = 64 * 1024;
    static final int MAX_OUTPUT_CHARS = 1_000;
    /** A file bigger than this was not written by us: set aside rather than parsed. */
    private static final long MAX_FILE_BYTES = 16L << 20;
    /** How long entries wait before the file is rewritten: the cells of that time cost one write. */
    static final long SAVE_DELAY_MS = 2_000;
    private static final ObjectMapper JSON = Json.MAPPER;
    /** FileLock guards against other processes only; kernels in one JVM (tests) queue here first. */
    private static final Object JVM_LOCK = new Object();

    /** One recorded cell; {@code output} is its result's text, or null when it had none. */
    record Entry(int session, int line, String input, String output) {}

    private record Stored(int lastSession, List<Entry> entries) {
        static final Stored EMPTY = new Stored(0, List.of());
    }

    private final Path file;
    private final PrintStream log;
    private final CompletableFuture<Integer> session;
    private final Map<Integer, Entry> mine = new LinkedHashMap<>();
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "kernel-history");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean savePending = new AtomicBoolean();
    private boolean warned;

    /** Opens the history at {@code file} (null: this session only) and starts a new session in it. */
    KernelHistory(Path file, PrintStream log) {
        this.file = file;
        this.log = log;
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() saves at once instead
        // the session number needs the file (read, then written back): not on the kernel's start-up path
        this.session = CompletableFuture.supplyAsync(this::beginSession, writer);
    }

    /** Where the history lives: {@link #PROPERTY}, else {@link #ENV}, else the user's data dir; null when "off". */
    static Path location(Map<String, String> env) {
        String explicit = System.getProperty(PROPERTY, env.get(ENV));
        if (explicit != null && !explicit.isBlank()) {
            return explicit.strip().equalsIgnoreCase("off") ? null : Path.of(explicit.strip());
        }
        return userDataDir(env).resolve("llm-workbench").resolve(FILE_NAME);
    }

    /** Where applications keep a user's data: XDG on Linux, Application Support on macOS, %APPDATA% on Windows. */
    static Path userDataDir(Map<String, String> env) {
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name", "").toLowerCase();
        if (os.startsWith("mac")) return Path.of(home, "Library", "Application Support");
        if (os.startsWith("windows") && env.get("APPDATA") != null) return Path.of(env.get("APPDATA"));
        String xdg = env.get("XDG_DATA_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "share");
    }

    Path file() {
        return file;
    }

    int session() {
        return session.join();
    }

    // ---- recording ----

    /** Records a cell's input as it starts, under its execution count. */
    void input(int line, String code) {
        if (code.isBlank() || code.length() > MAX_INPUT_CHARS) return;
        synchronized (mine) {
            mine.put(line, new Entry(0, line, code, null));
        }
        scheduleSave();
    }

    /** Adds the text of the cell's result once it has one. */
    void output(int line, String text) {
        if (text == null || text.isEmpty()) return;
        String kept = text.length() > MAX_OUTPUT_CHARS ? text.substring(0, MAX_OUTPUT_CHARS) + "…" : text;
        synchronized (mine) {
            Entry e = mine.get(line);
            if (e == null) return;
            mine.put(line, new Entry(0, line, e.input(), kept));
        }
        scheduleSave();
    }

    private List<Entry> mine() {
        int s = session();
        synchronized (mine) {
            return mine.values().stream().map(e -> new Entry(s, e.line(), e.input(), e.output())).toList();
        }
    }

    /** Saves on the writer thread in {@link #SAVE_DELAY_MS}; the cells of that time cost one write. */
    private void scheduleSave() {
        if (file == null || writer.isShutdown() || !savePending.compareAndSet(false, true)) return;
        try {
            writer.schedule(this::saveIfPending, SAVE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the kernel is shutting down: close() writes what there is
        }
    }

    private void saveIfPending() {
        if (savePending.getAndSet(false)) save();
    }

    /** Writes what is still pending and stops the writer; the kernel calls it when it shuts down. */
    void close() {
        try {
            writer.execute(this::saveIfPending);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed before
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) log.println("llm-workbench kernel: the history file was still being written at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the three kinds of history_request ----

    /** The last {@code n} entries of all sessions, oldest first (n ≤ 0: none). */
    List<Entry> tail(int n) {
        List<Entry> all = all();
        return n <= 0 ? List.of() : List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /**
     * Lines {@code start} (inclusive) to {@code stop} (exclusive; ≤ 0: to the end) of one session.
     * As in IPython, a session ≤ 0 counts back from this one: 0 is this session, -1 the one before.
     */
    List<Entry> range(int sessionNumber, int start, int stop) {
        int s = sessionNumber > 0 ? sessionNumber : session() + sessionNumber;
        return all().stream()
                .filter(e -> e.session() == s && e.line() >= start && (stop <= 0 || e.line() < stop))
                .toList();
    }

    /**
     * Entries whose input matches a glob ({@code *}, {@code ?}, {@code [abc]}, as IPython's search
     * takes), oldest first: the last {@code n} of them (n ≤ 0: all), with {@code unique} only the
     * latest of each distinct input.
     */
    List<Entry> search(String glob, int n, boolean unique) {
        Pattern p = globToRegex(glob == null || glob.isEmpty() ? "*" : glob);
        List<Entry> matches = new ArrayList<>(all().stream().filter(e -> p.matcher(e.input()).matches()).toList());
        if (unique) {
            Set<String> seen = new HashSet<>();
            List<Entry> latestFirst = new ArrayList<>();
            for (int i = matches.size() - 1; i >= 0; i--) if (seen.add(matches.get(i).input())) latestFirst.add(matches.get(i));
            Collections.reverse(latestFirst);
            matches = latestFirst;
        }
        return n <= 0 ? matches : List.copyOf(matches.subList(Math.max(0, matches.size() - n), matches.size()));
    }

    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            int close = c == '[' ? glob.indexOf(']', i + 2) : -1;
            if (c == '*') re.append(".*");
            else if (c == '?') re.append('.');
            else if (close > 0) {
                String set = glob.substring(i + 1, close);
                re.append('[').append(set.startsWith("!") ? "^" + quoteSet(set.substring(1)) : quoteSet(set)).append(']');
                i = close;
            } else re.append(Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static String quoteSet(String set) {
        return set.replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&").replace("^", "\\^");
    }

    /** Every session's entries in order: the file's, with this session's from memory (they may not be saved yet). */
    private List<Entry> all() {
        int s = session();
        List<Entry> all = new ArrayList<>(file == null ? List.of() : readQuietly().entries());
        all.removeIf(e -> e.session() == s);
        all.addAll(mine());
        all.sort(Comparator.comparingInt(Entry::session).thenComparingInt(Entry::line));
        return all;
    }

    // ---- the file ----

    private int beginSession() {
        if (file == null) return 1;
        try {
            return underLock(() -> {
                Stored stored = readOrSetAside();
                int next = stored.lastSession() + 1;
                write(new Stored(next, stored.entries()));
                return next;
            });
        } catch (IOException | RuntimeException e) {
            warn("cannot use the history file " + file + " (" + e.getMessage() + "); this session's history is kept in memory only");
            return 1;
        }
    }

    private void save() {
        int s = session();
        try {
            underLock(() -> {
                Stored stored = readOrSetAside();
                List<Entry> merged = new ArrayList<>(stored.entries());
                merged.removeIf(e -> e.session() == s);
                merged.addAll(mine());
                write(new Stored(Math.max(stored.lastSession(), s), newest(merged)));
                return null;
            });
        } catch (IOException | RuntimeException e) {
            warn("cannot write the history file " + file + ": " + e.getMessage());
        }
    }

    /** The newest entries within the count and size bounds, oldest first. */
    static List<Entry> newest(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(Entry::session).thenComparingInt(Entry::line));
        long chars = 0;
        int from = sorted.size();
        while (from > 0 && sorted.size() - from < MAX_ENTRIES) {
            Entry e = sorted.get(from - 1);
            chars += e.input().length() + (e.output() == null ? 0 : e.output().length());
            if (chars > MAX_CHARS) break;
            from--;
        }
        return List.copyOf(sorted.subList(from, sorted.size()));
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    private <T> T underLock(Locked<T> action) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        synchronized (JVM_LOCK) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return action.run();
            }
        }
    }

    /** The file as stored; one we cannot read is moved to {@code NAME.bad} (kept for the user) and we start afresh. */
    private Stored readOrSetAside() throws IOException {
        try {
            return read(file);
        } catch (NoSuchFileException e) {
            return Stored.EMPTY;
        } catch (JacksonException | IllegalArgumentException e) {
            Path bad = file.resolveSibling(file.getFileName() + ".bad");
            Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
            warn("the history file " + file + " is not readable (" + e.getMessage() + "); moved it to " + bad + " and started a new one");
            return Stored.EMPTY;
        }
    }

    private Stored readQuietly() {
        try {
            return read(file);
        } catch (IOException | RuntimeException e) {
            return Stored.EMPTY; // missing, or being set aside by the writer: this session's own entries still answer
        }
    }

    private static Stored read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) throw new IllegalArgumentException("it is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("its \"format\" is not \"" + FORMAT + "\"");
        }
        List<Entry> entries = new ArrayList<>();
        int i = 0;
        for (JsonNode e : root.path("entries")) {
            if (!e.path("session").canConvertToInt() || !e.path("line").canConvertToInt() || !e.path("input").isTextual()) {
                throw new IllegalArgumentException("entry " + i + " lacks an integer session or line, or a text input");
            }
            entries.add(new Entry(e.get("session").asInt(), e.get("line").asInt(), e.get("input").asText(),
                    e.path("output").isTextual() ? e.get("output").asText() : null));
            i++;
        }
        return new Stored(root.path("last_session").asInt(0), entries);
    }

    private void write(Stored stored) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("last_session", stored.lastSession());
        ArrayNode list = root.putArray("entries");
        for (Entry e : stored.entries()) {
            ObjectNode o = list.addObject();
            o.put("session", e.session());
            o.put("line", e.line());
            o.put("input", e.input());
            if (e.output() != null) o.put("output", e.output());
        }
        AtomicFiles.writeBytes(file, JSON.writeValueAsBytes(root));
    }

    /** Once per kernel: a broken history must not flood the log or fail a cell. */
    private synchronized void warn(String message) {
        if (warned) return;
        warned = true;
        log.println("llm-workbench kernel: " + message);
    }
}
