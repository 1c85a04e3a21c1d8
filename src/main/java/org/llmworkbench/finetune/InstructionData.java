package org.llmworkbench.finetune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.llmworkbench.Json;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.data.InstructionPrompts.Example;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The book's instruction data: a JSON array of {@code {"instruction", "input", "output"}} records,
 * split 85 % train / 10 % test / 5 % validation (1,100 records: 935 / 110 / 55).
 *
 * <p>The book splits in file order, without shuffling ({@code data[:train_portion]} and so on), so
 * {@link #split(List)} does the same; {@link #split(List, long)} shuffles with a seed first.
 * Every record is checked when it is read: a missing or non-string field fails naming the file,
 * the record's index and the field.
 */
public final class InstructionData {
    private InstructionData() {}

    /** The three parts of a split, each in the order the records were in. */
    public record Split<T>(List<T> train, List<T> test, List<T> validation) {
        public Split {
            train = List.copyOf(train);
            test = List.copyOf(test);
            validation = List.copyOf(validation);
        }

        /** {@code train}, {@code test} or {@code validation} (also {@code val}). */
        public List<T> part(String name) {
            return switch (name) {
                case "train" -> train;
                case "test" -> test;
                case "validation", "val" -> validation;
                default -> throw new IllegalArgumentException("unknown split '" + name + "': use train, test or validation");
            };
        }
    }

    /** The dataset {@code instruction-data} (resolved through the manifest). */
    public static List<Example> load() {
        return load(Datasets.resolve("instruction-data"));
    }

    public static List<Example> load(Path file) {
        return readRecords(file, (r) -> new Example(r.field("instruction"), r.optionalField("input"), r.field("output")));
    }

    /** The book's fractions: train {@code int(n * 0.85)}, test {@code int(n * 0.1)}, validation the rest. */
    public static <T> Split<T> split(List<T> records) {
        int n = records.size();
        int train = (int) (n * 0.85);
        int test = (int) (n * 0.1);
        return new Split<>(records.subList(0, train), records.subList(train, train + test), records.subList(train + test, n));
    }

    /** Like {@link #split(List)} after a seeded shuffle (the same seed gives the same split). */
    public static <T> Split<T> split(List<T> records, long seed) {
        List<T> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(seed));
        return split(shuffled);
    }

    /** One JSON record being read, with its position for error messages. */
    static final class Fields {
        private final JsonNode node;
        private final String where;

        Fields(JsonNode node, String where) {
            this.node = node;
            this.where = where;
        }

        /** A required string. */
        String field(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException(where + ": missing field \"" + name + "\"");
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where + ": field \"" + name + "\" must be a string, got "
                        + v.getNodeType().toString().toLowerCase());
            }
            return v.asText();
        }

        /** A string that may be absent (read as empty). */
        String optionalField(String name) {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? "" : field(name);
        }
    }

    /** Reads a JSON array of objects, turning each into a record; errors name the file and the record index. */
    static <T> List<T> readRecords(Path file, Function<Fields, T> record) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON array of records");
        }
        List<T> records = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String where = file.getFileName() + ": record " + i;
            if (!node.isObject()) throw new IllegalArgumentException(where + " is not a JSON object");
            records.add(record.apply(new Fields(node, where)));
        }
        return List.copyOf(records);
    }
}
