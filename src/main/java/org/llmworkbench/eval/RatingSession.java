package org.llmworkbench.eval;

import org.llmworkbench.Json;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.data.CsvRows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.llmworkbench.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Human feedback, one comparison at a time: two models' answers to the same instruction, shown in
 * random order, and a person picks the better one (or a tie, or skips). Every choice is saved at
 * once, atomically, in two files under the output directory:
 * <ul>
 *   <li>{@value #PREFERENCES_FILE}: the pairs with a winner, as {@code instruction}, {@code input},
 *   {@code output} (the reference), {@code chosen}, {@code rejected} — the layout of the book's
 *   preference data, which DPO reads;</li>
 *   <li>{@value #RATINGS_FILE}: every choice, ties and skips included, with which model was shown
 *   where; re-opening the same directory resumes after the last rated item.</li>
 * </ul>
 */
public final class RatingSession {
    public static final String PREFERENCES_FILE = "preferences.json";
    public static final String RATINGS_FILE = "ratings.csv";
    static final String[] CSV_HEADER = {"item_id", "index", "instruction", "input", "model_a", "model_b",
            "choice", "winner", "rated_at"};

    /** What the rater chose: the answer shown as A (left), as B (right), a tie, or no judgement. */
    public enum Choice {
        A, B, TIE, SKIP;

        public static Choice parse(String s) {
            return switch (s == null ? "" : s.strip().toLowerCase(Locale.ROOT)) {
                case "a" -> A;
                case "b" -> B;
                case "tie", "t" -> TIE;
                case "skip", "s" -> SKIP;
                default -> throw new IllegalArgumentException("choice must be a, b, tie or skip, got '" + s + "'");
            };
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One comparison: {@code a} is shown on the left, {@code b} on the right. */
    public record Item(int index, String id, ModelResponse a, ModelResponse b) {}

    /** A choice with the sides as they were shown then (a resumed session may show an item the other way round). */
    private record Rating(String itemId, Choice choice, ModelResponse a, ModelResponse b, String ratedAt) {}

    private final List<Item> items;
    private final Map<String, Item> byId = new HashMap<>();
    private final Map<String, Rating> ratings = new LinkedHashMap<>();
    private final Path outDir;
    private final int unpaired;

    private RatingSession(List<Item> items, int unpaired, Path outDir) {
        this.items = items;
        this.unpaired = unpaired;
        this.outDir = outDir;
        for (Item item : items) byId.put(item.id(), item);
    }

    /**
     * Pairs the answers of two responses files by (instruction, input), in the first file's order,
     * flips each pair's sides with a coin seeded by {@code seed}, and loads earlier ratings from
     * {@code outDir}.
     */
    public static RatingSession open(List<ModelResponse> first, List<ModelResponse> second, Path outDir, long seed)
            throws IOException {
        Map<String, Deque<ModelResponse>> others = new HashMap<>();
        for (ModelResponse r : second) others.computeIfAbsent(r.questionKey(), k -> new ArrayDeque<>()).add(r);
        Random coin = new Random(seed);
        List<Item> items = new ArrayList<>();
        int unpaired = 0;
        for (ModelResponse r : first) {
            Deque<ModelResponse> match = others.get(r.questionKey());
            if (match == null || match.isEmpty()) {
                unpaired++;
                continue;
            }
            ModelResponse o = match.poll();
            boolean flip = coin.nextBoolean();
            String id = itemId(r, o);
            items.add(flip ? new Item(items.size(), id, o, r) : new Item(items.size(), id, r, o));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the two responses files share no (instruction, input) pair: nothing to rate");
        }
        RatingSession session = new RatingSession(items, unpaired, outDir);
        session.loadRatings();
        return session;
    }

    /** Stable across restarts and independent of the sides shown: a hash of the question and both answers. */
    private static String itemId(ModelResponse x, ModelResponse y) {
        String p = x.model() + "\u0000" + x.response();
        String q = y.model() + "\u0000" + y.response();
        String key = x.questionKey() + "\u0001" + (p.compareTo(q) <= 0 ? p + "\u0001" + q : q + "\u0001" + p);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized int total() {
        return items.size();
    }

    public synchronized int rated() {
        return ratings.size();
    }

    /** Records of the first file that have no counterpart in the second. */
    public int unpaired() {
        return unpaired;
    }

    public Path outDir() {
        return outDir;
    }

    /** The next item nobody has rated yet, or empty when all are done. */
    public synchronized Optional<Item> current() {
        for (Item item : items) {
            if (!ratings.containsKey(item.id())) return Optional.of(item);
        }
        return Optional.empty();
    }

    public synchronized boolean finished() {
        return ratings.size() == items.size();
    }

    /** Saves a choice for an item and rewrites both output files atomically. Re-rating an item replaces its choice. */
    public synchronized void record(String itemId, Choice choice) throws IOException {
        if (!byId.containsKey(itemId)) {
            throw new IllegalArgumentException("unknown item '" + itemId + "'");
        }
        ratings.remove(itemId);
        Item item = byId.get(itemId);
        ratings.put(itemId, new Rating(itemId, choice, item.a(), item.b(), Instant.now().toString()));
        save();
    }

    /** How often each model won, lost or tied among the rated items (skips not counted). */
    public synchronized Map<String, Integer> wins() {
        Map<String, Integer> wins = new LinkedHashMap<>();
        for (Rating r : ratings.values()) {
            wins.putIfAbsent(r.a().model(), 0);
            wins.putIfAbsent(r.b().model(), 0);
            if (r.choice() == Choice.A) wins.merge(r.a().model(), 1, Integer::sum);
            if (r.choice() == Choice.B) wins.merge(r.b().model(), 1, Integer::sum);
            if (r.choice() == Choice.TIE) wins.merge("tie", 1, Integer::sum);
        }
        return wins;
    }

    // --- the two files ---

    private void save() throws IOException {
        ObjectMapper json = Json.MAPPER;
        ArrayNode preferences = json.createArrayNode();
        StringBuilder csv = new StringBuilder();
        Csv.appendRow(csv, List.of(CSV_HEADER));
        for (Rating r : ratings.values()) {
            Item item = byId.get(r.itemId());
            String winner = switch (r.choice()) {
                case A -> r.a().model();
                case B -> r.b().model();
                case TIE -> "tie";
                case SKIP -> "";
            };
            Csv.appendRow(csv, List.of(item.id(), Integer.toString(item.index()), r.a().instruction(),
                    r.a().input(), r.a().model(), r.b().model(), r.choice().id(), winner, r.ratedAt()));
            if (r.choice() == Choice.A || r.choice() == Choice.B) {
                ModelResponse chosen = r.choice() == Choice.A ? r.a() : r.b();
                ModelResponse rejected = r.choice() == Choice.A ? r.b() : r.a();
                ObjectNode o = preferences.addObject();
                o.put("instruction", chosen.instruction());
                o.put("input", chosen.input());
                o.put("output", chosen.reference());
                o.put("chosen", chosen.response());
                o.put("rejected", rejected.response());
            }
        }
        Files.createDirectories(outDir);
        AtomicFiles.writeBytes(outDir.resolve(PREFERENCES_FILE),
                json.writerWithDefaultPrettyPrinter().writeValueAsBytes(preferences));
        AtomicFiles.writeBytes(outDir.resolve(RATINGS_FILE), csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void loadRatings() throws IOException {
        Path file = outDir.resolve(RATINGS_FILE);
        if (!Files.isRegularFile(file)) return;
        List<List<String>> rows = CsvRows.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        if (rows.isEmpty() || !rows.get(0).equals(List.of(CSV_HEADER))) {
            throw new IllegalArgumentException(file + " does not start with the header " + String.join(",", CSV_HEADER)
                    + "; is it a ratings file of `workbench rate`? Use another --out directory.");
        }
        for (int i = 1; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            if (row.size() != CSV_HEADER.length) {
                throw new IllegalArgumentException(file + ": row " + i + " has " + row.size() + " fields, expected "
                        + CSV_HEADER.length);
            }
            if (!byId.containsKey(row.get(0))) {
                throw new IllegalArgumentException(file + ": row " + i + " rates item " + row.get(0)
                        + ", which is not among the answers of these responses files; were they changed? "
                        + "Use another --out directory to start a new rating.");
            }
            Item item = byId.get(row.get(0));
            // the sides as the CSV recorded them, whatever this session's coin says
            boolean swapped = !item.a().model().equals(item.b().model()) && row.get(4).equals(item.b().model())
                    && row.get(5).equals(item.a().model());
            ratings.put(row.get(0), new Rating(row.get(0), Choice.parse(row.get(6)),
                    swapped ? item.b() : item.a(), swapped ? item.a() : item.b(), row.get(8)));
        }
    }

    /** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled. */
    static final class Csv {
        private Csv() {}

        static void appendRow(StringBuilder out, List<String> fields) {
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) out.append(',');
                String f = fields.get(i);
                if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                    out.append('"').append(f.replace("\"", "\"\"")).append('"');
                } else {
                    out.append(f);
                }
            }
            out.append("\r\n");
        }
    }
}
