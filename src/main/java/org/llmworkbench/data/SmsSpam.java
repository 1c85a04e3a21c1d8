package org.llmworkbench.data;

import org.llmworkbench.AtomicFiles;
import org.llmworkbench.datasets.Datasets;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The SMS Spam Collection (Almeida &amp; Gómez Hidalgo, 2011) as a Tablesaw table of {@code label}
 * ({@code ham}/{@code spam}) and {@code text}.
 *
 * <p>The file is read as what its authors document: one message per line, {@code label<TAB>text}.
 * That gives 5,574 messages (4,827 ham, 747 spam). The book reads it with pandas, whose CSV quote
 * handling treats a {@code "} at the start of a message as an opening quote and merges a few
 * lines, giving 5,572 rows; reading plain lines keeps every message as it was sent.
 *
 * <p>The book then balances the classes by undersampling ham to the 747 spam messages and splits
 * the 1,494 messages 70/10/20 into 1,045 train, 149 validation and 300 test messages.
 */
public final class SmsSpam {
    public static final String DATASET = "sms-spam";
    /** Class names by label id: what the classifier predicts. */
    public static final List<String> LABELS = List.of("ham", "spam");

    private SmsSpam() {}

    /** The three parts of a split, each a table of label and text. */
    public record Split(Table train, Table validation, Table test) {
        /** Writes {@code train.csv}, {@code validation.csv} and {@code test.csv} (each atomically) into {@code dir}. */
        public void save(Path dir) {
            write(train, dir.resolve("train.csv"));
            write(validation, dir.resolve("validation.csv"));
            write(test, dir.resolve("test.csv"));
        }

        /** Reads the three CSVs {@link #save} wrote. */
        public static Split load(Path dir) {
            return new Split(readCsv(dir.resolve("train.csv")), readCsv(dir.resolve("validation.csv")),
                    readCsv(dir.resolve("test.csv")));
        }
    }

    /** The collection resolved through the dataset manifest (data dir, cache, download). */
    public static Table read() {
        return read(Datasets.resolve(DATASET));
    }

    /** Reads {@code label<TAB>text} lines; a line without a tab or with another label fails naming file and line. */
    public static Table read(Path file) {
        List<String> lines = readText(file, "the SMS spam file").lines().toList();
        StringColumn label = StringColumn.create("label");
        StringColumn text = StringColumn.create("text");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() && i == lines.size() - 1) break;
            int tab = line.indexOf('\t');
            String l = tab < 0 ? null : line.substring(0, tab);
            if (l == null || !LABELS.contains(l)) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'ham<TAB>text' or 'spam<TAB>text', got '"
                        + abbreviate(line) + "'");
            }
            label.append(l);
            text.append(line.substring(tab + 1));
        }
        return Table.create("sms-spam", label, text);
    }

    /** One row per class: {@code label}, {@code count}, in label order. */
    public static Table classCounts(Table messages) {
        StringColumn label = StringColumn.create("label");
        IntColumn count = IntColumn.create("count");
        StringColumn labels = messages.stringColumn("label");
        for (String l : LABELS) {
            label.append(l);
            count.append(labels.isEqualTo(l).size());
        }
        return Table.create("class counts", label, count);
    }

    /**
     * Keeps every message of the rarer class and as many of the other, drawn without replacement by
     * a seeded shuffle: the book's undersampling of ham (747 ham + 747 spam). Rarer class first.
     */
    public static Table balance(Table messages, long seed) {
        Table counts = classCounts(messages);
        int minority = counts.intColumn("count").get(0) <= counts.intColumn("count").get(1) ? 0 : 1;
        Table rare = messages.where(messages.stringColumn("label").isEqualTo(LABELS.get(minority)));
        Table common = messages.where(messages.stringColumn("label").isEqualTo(LABELS.get(1 - minority)));
        int[] order = Permutations.shuffled(common.rowCount(), seed);
        Table kept = common.rows(java.util.Arrays.copyOf(order, rare.rowCount()));
        Table balanced = rare.copy().append(kept);
        balanced.setName("balanced");
        return balanced;
    }

    /**
     * Shuffles the rows with the seed and cuts them at {@code trainFraction} and
     * {@code trainFraction + validationFraction}, rounding each part down as the book does
     * ({@code int(n * 0.7)}, {@code int(n * 0.1)}); the rest is the test part.
     */
    public static Split split(Table messages, double trainFraction, double validationFraction, long seed) {
        if (!(trainFraction > 0 && validationFraction >= 0 && trainFraction + validationFraction < 1)) {
            throw new IllegalArgumentException("split fractions must satisfy train > 0, validation >= 0 and train + validation < 1;"
                    + " got train=" + trainFraction + ", validation=" + validationFraction);
        }
        int n = messages.rowCount();
        int[] order = Permutations.shuffled(n, seed);
        int trainEnd = (int) (n * trainFraction);
        int valEnd = trainEnd + (int) (n * validationFraction);
        return new Split(part(messages, order, 0, trainEnd, "train"), part(messages, order, trainEnd, valEnd, "validation"),
                part(messages, order, valEnd, n, "test"));
    }

    /** The book's pipeline: read, balance, split 70/10/20. */
    public static Split bookSplit(long seed) {
        return split(balance(read(), seed), 0.7, 0.1, seed);
    }

    /** Label ids (0 = ham, 1 = spam) of a table's rows. */
    public static int[] labelIds(Table messages) {
        StringColumn labels = messages.stringColumn("label");
        int[] ids = new int[labels.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = LABELS.indexOf(labels.get(i));
        return ids;
    }

    public static List<String> texts(Table messages) {
        return new ArrayList<>(messages.stringColumn("text").asList());
    }

    /** Rows {@code order[from..to)} in that order (Tablesaw's {@code rows(int...)} would sort them back). */
    private static Table part(Table messages, int[] order, int from, int to, String name) {
        Table t = messages.emptyCopy();
        for (int i = from; i < to; i++) t.append(messages.row(order[i]));
        t.setName(name);
        return t;
    }

    /** RFC 4180 CSV, every field quoted: a message's own quotes, commas and spaces survive the round trip. */
    private static void write(Table table, Path file) {
        StringBuilder csv = new StringBuilder("label,text\n");
        for (int r = 0; r < table.rowCount(); r++) {
            csv.append(quote(table.stringColumn("label").get(r))).append(',')
                    .append(quote(table.stringColumn("text").get(r))).append('\n');
        }
        try {
            AtomicFiles.writeBytes(file, csv.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String quote(String field) {
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static Table readCsv(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("split file " + file + " does not exist; write it with Split.save(dir)");
        }
        List<List<String>> rows = CsvRows.parse(readText(file, "split file"), file.toString());
        StringColumn label = StringColumn.create("label");
        StringColumn text = StringColumn.create("text");
        if (rows.isEmpty() || !rows.get(0).equals(List.of("label", "text"))) {
            throw new IllegalArgumentException(file + ":1: expected the header 'label,text', got " + (rows.isEmpty() ? "nothing" : rows.get(0)));
        }
        for (int r = 1; r < rows.size(); r++) addRow(file, r + 1, rows.get(r), label, text);
        Table t = Table.create(file.getFileName().toString().replace(".csv", ""), label, text);
        return t;
    }

    private static String readText(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static void addRow(Path file, int line, List<String> fields, StringColumn label, StringColumn text) {
        if (fields.size() != 2 || !LABELS.contains(fields.get(0))) {
            throw new IllegalArgumentException(file + ":" + line + ": expected label (ham or spam) and text, got " + fields.size()
                    + " fields starting '" + abbreviate(String.join(",", fields)) + "'");
        }
        label.append(fields.get(0));
        text.append(fields.get(1));
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
