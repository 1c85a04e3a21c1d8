package org.llmworkbench.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Byte-level byte-pair encoding, as GPT-2 does it. Text is cut into words by
 * {@link Gpt2PreTokenizer}, each word is turned into its UTF-8 bytes, and adjacent parts are merged
 * again and again, always the pair whose merged bytes have the lowest rank (were learned earliest),
 * until no pair is a token. Because it starts from bytes, any text can be encoded: there is no
 * unknown token.
 *
 * <p>Loaded from GPT-2's {@code encoder.json} + {@code vocab.bpe} ({@link #gpt2()}) it gives exactly
 * GPT-2's ids (tiktoken's r50k_base). It also reads tiktoken rank files and the readable format that
 * {@link BpeTrainer} writes ({@link #save}, {@link #load}).
 *
 * <p>Speed comes from three things: a hand-written pre-tokenizer, a bounded cache of word to ids
 * (text repeats its words), and merging by rank on an array of part boundaries, never on strings.
 * Instances are safe to share between threads.
 */
public final class BpeTokenizer implements Tokenizer {

    public static final String END_OF_TEXT = "<|endoftext|>";
    static final String FORMAT_HEADER = "#llm-workbench-bpe v1";

    private final String name;
    private final TokenTable table;
    private final byte[][] bytesOfId;
    private final int[] idOfByte = new int[256];
    private final SpecialTokens special;
    private final int vocabSize;
    /** Merge k as the ids of its two parts (rank order); only for tokenizers with byte ids 0-255, else null. */
    private final int[][] merges;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private BpeTokenizer(String name, TokenTable table, Map<String, Integer> specialIds, int[][] merges, Path source) {
        this.name = name;
        this.table = table;
        this.special = new SpecialTokens(specialIds);
        this.merges = merges;
        int maxId = -1;
        for (int e = 0; e < table.size(); e++) maxId = Math.max(maxId, table.id(e));
        for (int id : specialIds.values()) maxId = Math.max(maxId, id);
        vocabSize = maxId + 1;
        bytesOfId = new byte[vocabSize][];
        Arrays.fill(idOfByte, -1);
        for (int e = 0; e < table.size(); e++) {
            byte[] b = table.bytes(e);
            if (bytesOfId[table.id(e)] != null) {
                throw new TokenizerFileException(source, 0, "id " + table.id(e) + " is used by two tokens; every token needs its own id");
            }
            bytesOfId[table.id(e)] = b;
            if (b.length == 1) idOfByte[b[0] & 0xFF] = table.id(e);
        }
        for (Map.Entry<String, Integer> s : specialIds.entrySet()) {
            if (bytesOfId[s.getValue()] != null) {
                throw new TokenizerFileException(source, 0, "special token " + s.getKey() + " has id " + s.getValue()
                        + ", which is already an ordinary token; give it an unused id");
            }
        }
        for (int b = 0; b < 256; b++) {
            if (idOfByte[b] < 0) {
                throw new TokenizerFileException(source, 0, "the vocabulary has no token for the single byte " + b
                        + "; a byte-level BPE needs all 256 bytes to encode any text");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Loading

    /** GPT-2's tokenizer (r50k_base), from the {@code gpt2-encoder} and {@code gpt2-vocab} datasets. Cached. */
    public static synchronized BpeTokenizer gpt2() {
        // Not a holder class: a missing dataset must stay a clear error on every call, not a NoClassDefFoundError.
        if (gpt2 == null) {
            gpt2 = fromGpt2Files(org.llmworkbench.datasets.Datasets.resolve("gpt2-encoder"),
                    org.llmworkbench.datasets.Datasets.resolve("gpt2-vocab"));
        }
        return gpt2;
    }

    private static BpeTokenizer gpt2;

    /**
     * Reads GPT-2's {@code encoder.json} (token in byte-to-unicode spelling → id) and {@code vocab.bpe}
     * (merges in rank order after a {@code #version} line). Entries of the encoder that are neither a
     * byte nor the result of a merge must be special tokens; {@code <|endoftext|>} is one.
     */
    public static BpeTokenizer fromGpt2Files(Path encoderJson, Path vocabBpe) {
        Map<String, Integer> encoder = readEncoderJson(encoderJson);
        TokenTable table = new TokenTable(encoder.size());
        Map<String, Integer> specials = new LinkedHashMap<>();
        Map<String, byte[]> bytesOf = new HashMap<>();
        for (Map.Entry<String, Integer> e : encoder.entrySet()) {
            byte[] b = ByteUnicode.unspell(e.getKey());
            if (b != null && b.length > 0) bytesOf.put(e.getKey(), b);
        }
        for (int b = 0; b < 256; b++) {
            String spelled = String.valueOf(ByteUnicode.charOf(b));
            Integer id = encoder.get(spelled);
            if (id == null) {
                throw new TokenizerFileException(encoderJson, 0, "no entry for the byte " + b + " (spelled '" + spelled
                        + "'); this is not a GPT-2 style byte-level vocabulary");
            }
            table.add(new byte[] {(byte) b}, TokenTable.NOT_MERGED, id);
        }
        Set<String> merged = new java.util.HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(vocabBpe, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            int rank = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("#version")) continue;
                if (line.isEmpty()) continue;
                int sp = line.indexOf(' ');
                if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerFileException(vocabBpe, lineNo, "expected two tokens separated by one space, got '"
                            + line + "'; is this a GPT-2 vocab.bpe merges file?");
                }
                String left = line.substring(0, sp);
                String right = line.substring(sp + 1);
                String joined = left + right;
                for (String part : new String[] {left, right, joined}) {
                    if (!bytesOf.containsKey(part)) {
                        throw new TokenizerFileException(vocabBpe, lineNo, "'" + part + "' (from the merge '" + line
                                + "') is not in " + encoderJson.getFileName() + "; the merges and the encoder do not belong together");
                    }
                }
                if (!table.add(bytesOf.get(joined), rank, encoder.get(joined))) {
                    throw new TokenizerFileException(vocabBpe, lineNo, "the merge '" + line + "' makes '" + joined
                            + "', which an earlier line or a single byte already makes; each token is made once");
                }
                merged.add(joined);
                rank++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + vocabBpe, e);
        }
        for (Map.Entry<String, Integer> e : encoder.entrySet()) {
            String tok = e.getKey();
            if (tok.length() == 1 && ByteUnicode.byteOf(tok.charAt(0)) >= 0) continue;
            if (merged.contains(tok)) continue;
            if (tok.startsWith("<|") && tok.endsWith("|>")) {
                specials.put(tok, e.getValue());
            } else {
                throw new TokenizerFileException(encoderJson, 0, "the entry '" + tok + "' (id " + e.getValue()
                        + ") is neither a byte, a merge in " + vocabBpe.getFileName() + ", nor a special token <|...|>");
            }
        }
        return new BpeTokenizer("gpt2", table, specials, null, encoderJson);
    }

    private static Map<String, Integer> readEncoderJson(Path file) {
        Map<String, Integer> encoder = new LinkedHashMap<>();
        Map<Integer, String> byId = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TokenizerFileException(file, p.currentLocation().getLineNr(), "expected a JSON object of token → id");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                int line = p.currentLocation().getLineNr();
                long col = p.currentLocation().getColumnNr();
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the id of '" + token + "' is not an integer");
                }
                long id = p.getLongValue();
                if (id < 0 || id > 10_000_000) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the id " + id + " of '" + token + "' is out of range 0..10000000");
                }
                if (encoder.put(token, (int) id) != null) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the token '" + token + "' appears twice");
                }
                String other = byId.put((int) id, token);
                if (other != null) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the id " + id + " is given to both '" + other + "' and '" + token + "'");
                }
                if (!(token.startsWith("<|") && token.endsWith("|>")) && ByteUnicode.unspell(token) == null) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the token '" + token
                            + "' has a character outside GPT-2's byte-to-unicode spelling");
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new TokenizerFileException(file, p.currentLocation().getLineNr(), "expected a token or the end of the object");
            }
        } catch (JsonProcessingException e) {
            throw new TokenizerFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return encoder;
    }

    /**
     * Reads a tiktoken rank file: one token per line as base64 of its bytes, a space, and its rank
     * (which is also its id). Special tokens are not in such files; pass them in {@code specials}
     * (null: {@code <|endoftext|>} gets the id after the highest rank, as in r50k_base).
     */
    public static BpeTokenizer fromTiktokenFile(Path file, Map<String, Integer> specials) {
        TokenTable table = new TokenTable(100_000);
        Base64.Decoder b64 = Base64.getDecoder();
        Map<Integer, Integer> lineOfRank = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) continue;
                int sp = line.indexOf(' ');
                if (sp <= 0 || line.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerFileException(file, lineNo, "expected '<base64 token> <rank>', got '" + abbreviate(line) + "'");
                }
                byte[] bytes;
                try {
                    bytes = b64.decode(line.substring(0, sp));
                } catch (IllegalArgumentException e) {
                    throw new TokenizerFileException(file, lineNo, "the token '" + line.substring(0, sp) + "' is not valid base64", e);
                }
                int rank;
                try {
                    rank = Integer.parseInt(line.substring(sp + 1));
                } catch (NumberFormatException e) {
                    throw new TokenizerFileException(file, lineNo, "the rank '" + line.substring(sp + 1) + "' is not an integer", e);
                }
                if (rank < 0 || bytes.length == 0) {
                    throw new TokenizerFileException(file, lineNo, "a token needs at least one byte and a rank >= 0");
                }
                Integer previous = lineOfRank.put(rank, lineNo);
                if (previous != null) {
                    throw new TokenizerFileException(file, lineNo, "the rank " + rank + " was already given on line " + previous);
                }
                if (!table.add(bytes, bytes.length == 1 ? TokenTable.NOT_MERGED : rank, rank)) {
                    throw new TokenizerFileException(file, lineNo, "the token '" + line.substring(0, sp) + "' appears twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String name = file.getFileName().toString().replaceFirst("\\.tiktoken$", "");
        if (specials == null) {
            int next = 0;
            for (int e = 0; e < table.size(); e++) next = Math.max(next, table.id(e) + 1);
            specials = Map.of(END_OF_TEXT, next);
        }
        return new BpeTokenizer(name, table, specials, null, file);
    }

    /** Builds a tokenizer whose ids 0-255 are the bytes and whose id 256+k is made by merge k. */
    static BpeTokenizer fromMerges(String name, int[][] merges, Map<String, Integer> specials, Path source) {
        TokenTable table = new TokenTable(256 + merges.length);
        byte[][] bytes = new byte[256 + merges.length][];
        for (int b = 0; b < 256; b++) {
            bytes[b] = new byte[] {(byte) b};
            table.add(bytes[b], TokenTable.NOT_MERGED, b);
        }
        for (int k = 0; k < merges.length; k++) {
            int id = 256 + k;
            byte[] l = bytes[merges[k][0]];
            byte[] r = bytes[merges[k][1]];
            byte[] joined = Arrays.copyOf(l, l.length + r.length);
            System.arraycopy(r, 0, joined, l.length, r.length);
            bytes[id] = joined;
            if (!table.add(joined, id, id)) {
                throw new TokenizerFileException(source, 0, "merge " + k + " makes '" + ByteUnicode.spell(joined)
                        + "', which an earlier merge already makes");
            }
        }
        return new BpeTokenizer(name, table, specials, merges, source);
    }

    /**
     * Reads the format {@link #save} writes: a header, {@code #special <id> <token>} lines, then one
     * merge per line, the two parts in GPT-2's byte-to-unicode spelling separated by one space.
     */
    public static BpeTokenizer load(Path file) {
        List<int[]> merges = new ArrayList<>();
        Map<String, Integer> specials = new LinkedHashMap<>();
        Map<String, Integer> idOf = new HashMap<>();
        for (int b = 0; b < 256; b++) idOf.put(String.valueOf(ByteUnicode.charOf(b)), b);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null || !line.equals(FORMAT_HEADER)) {
                throw new TokenizerFileException(file, 1, "expected the header '" + FORMAT_HEADER
                        + "'; this file was not written by BpeTokenizer.save (GPT-2 files: fromGpt2Files, tiktoken files: fromTiktokenFile)");
            }
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.startsWith("#special ")) {
                    String[] f = line.split(" ", 3);
                    try {
                        if (f.length != 3 || f[2].isEmpty()) throw new NumberFormatException();
                        specials.put(f[2], Integer.parseInt(f[1]));
                    } catch (NumberFormatException e) {
                        throw new TokenizerFileException(file, lineNo, "expected '#special <id> <token>', got '" + line + "'");
                    }
                    continue;
                }
                if (line.startsWith("#") || line.isEmpty()) continue;
                int sp = line.indexOf(' ');
                if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerFileException(file, lineNo, "expected a merge 'left right' (two tokens, one space), got '" + line + "'");
                }
                String left = line.substring(0, sp);
                String right = line.substring(sp + 1);
                Integer l = idOf.get(left);
                Integer rt = idOf.get(right);
                if (l == null || rt == null) {
                    throw new TokenizerFileException(file, lineNo, "'" + (l == null ? left : right)
                            + "' is neither a byte nor made by an earlier merge; merges must build on earlier tokens");
                }
                int id = 256 + merges.size();
                if (idOf.putIfAbsent(left + right, id) != null) {
                    throw new TokenizerFileException(file, lineNo, "'" + left + right + "' is already made by an earlier merge");
                }
                merges.add(new int[] {l, rt});
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return fromMerges(name, merges.toArray(new int[0][]), specials, file);
    }

    /**
     * Writes this tokenizer in the readable merges format (see {@link #load}) to a temporary file
     * next to {@code file} and moves it into place, so a reader never sees half a file.
     */
    public void save(Path file) {
        if (merges == null) {
            throw new UnsupportedOperationException(name + " has no merge list with byte ids 0-255 (it was loaded from GPT-2 or"
                    + " tiktoken files); only tokenizers from BpeTrainer or BpeTokenizer.load can be saved");
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(FORMAT_HEADER + "\n");
                w.write("# Byte-level BPE (llm-workbench). Ids 0-255 are the bytes 0-255. Each line below the\n");
                w.write("# header is a merge; the k-th merge (from 0) makes token 256+k by joining its two parts.\n");
                w.write("# Parts use GPT-2's byte-to-unicode spelling: 'Ġ' is a space, 'Ċ' a newline.\n");
                w.write("# Words are cut with GPT-2's pre-tokenizer regex before merging.\n");
                w.write("#vocab-size " + vocabSize + "\n");
                for (Map.Entry<String, Integer> s : special.ids().entrySet()) {
                    w.write("#special " + s.getValue() + " " + s.getKey() + "\n");
                }
                for (int[] m : merges) {
                    w.write(ByteUnicode.spell(bytesOfId[m[0]]) + " " + ByteUnicode.spell(bytesOfId[m[1]]) + "\n");
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding

    @Override
    public int[] encode(String text, Set<String> allowedSpecial) {
        Scratch s = scratch.get();
        IntList out = new IntList(text.length() / 3 + 16);
        special.split(text, allowedSpecial, new SpecialTokens.Segments() {
            @Override
            public void plain(String t, int from, int to) {
                encodePlain(t, from, to, s, out);
            }

            @Override
            public void special(String token, int id) {
                out.add(id);
            }
        });
        return out.toArray();
    }

    /** Encodes text as plain text: a special token's spelling is encoded like any other characters. */
    public int[] encodeOrdinary(String text) {
        IntList out = new IntList(text.length() / 3 + 16);
        encodePlain(text, 0, text.length(), scratch.get(), out);
        return out.toArray();
    }

    private void encodePlain(String text, int from, int to, Scratch s, IntList out) {
        WordCache cache = s.cache;
        ShortWordCache shortCache = s.shortCache;
        for (int i = from; i < to; ) {
            int end = Gpt2PreTokenizer.pieceEnd(text, i, to);
            char c = text.charAt(i);
            long packed;
            if (end == i + 1 && c < 128) {
                out.add(idOfByte[c]);
            } else if ((packed = ShortWordCache.pack(text, i, end)) != 0) {
                int slot = shortCache.find(packed);
                if (slot < 0) slot = shortCache.put(packed, encodeWord(text, i, end, s));
                int single = shortCache.single(slot);
                if (single >= 0) out.add(single);
                else out.addAll(shortCache.ids(slot));
            } else {
                int[] ids = cache.get(text, i, end);
                if (ids == null) {
                    ids = encodeWord(text, i, end, s);
                    cache.put(text.substring(i, end), ids);
                }
                if (ids.length == 1) out.add(ids[0]);
                else out.addAll(ids);
            }
            i = end;
        }
    }

    private int[] encodeWord(String text, int from, int to, Scratch s) {
        int len = s.utf8(text, from, to);
        return bytePairMerge(s.buf, len, s);
    }

    /** The ids of one word given as bytes. Merges the lowest-ranked adjacent pair until none is a token. */
    int[] bytePairMerge(byte[] buf, int len, Scratch s) {
        if (len == 1) return new int[] {idOfByte[buf[0] & 0xFF]};
        int whole = table.find(buf, 0, len);
        if (whole >= 0) return new int[] {table.id(whole)};
        if (len > LARGE_WORD) return bytePairMergeLarge(buf, len);
        s.ensure(len);
        int[] start = s.start;
        int[] rank = s.rank;
        int parts = len;
        for (int i = 0; i <= len; i++) start[i] = i;
        for (int i = 0; i + 1 < parts; i++) rank[i] = rankOf(buf, start[i], start[i + 2]);
        while (parts > 1) {
            int best = -1;
            int bestRank = TokenTable.NOT_MERGED;
            for (int i = 0; i + 1 < parts; i++) {
                if (rank[i] < bestRank) {
                    bestRank = rank[i];
                    best = i;
                }
            }
            if (best < 0) break;
            // Part best absorbs part best+1: drop boundary best+1 and the rank of the vanished pair.
            System.arraycopy(start, best + 2, start, best + 1, parts - best - 1);
            System.arraycopy(rank, best + 1, rank, best, parts - best - 2);
            parts--;
            if (best + 1 < parts) rank[best] = rankOf(buf, start[best], start[best + 2]);
            if (best > 0) rank[best - 1] = rankOf(buf, start[best - 1], start[best + 1]);
        }
        int[] ids = new int[parts];
        for (int i = 0; i < parts; i++) {
            int from = start[i];
            int to = start[i + 1];
            ids[i] = to - from == 1 ? idOfByte[buf[from] & 0xFF] : table.id(table.find(buf, from, to));
        }
        return ids;
    }

    /** Above this many bytes a word is merged with a heap instead of rescanning all pairs each step. */
    private static final int LARGE_WORD = 128;

    /**
     * The same merges for long words (a base64 blob, a line of dashes) in O(n log n): parts form a
     * linked list and candidate pairs sit in a min-heap keyed by (rank, position), so the lowest
     * rank wins and, among equal ranks, the leftmost, exactly as the linear scan decides. Entries
     * made stale by a merge are skipped when they surface.
     */
    private int[] bytePairMergeLarge(byte[] buf, int len) {
        int[] next = new int[len];
        int[] prev = new int[len];
        int[] rank = new int[len];
        for (int i = 0; i < len; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(len);
        for (int i = 0; i + 1 < len; i++) {
            rank[i] = rankOf(buf, i, i + 2 < len ? i + 2 : len);
            if (rank[i] != TokenTable.NOT_MERGED) heap.push(((long) rank[i] << 32) | i);
        }
        int parts = len;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int i = (int) top;
            int r = (int) (top >>> 32);
            if (next[i] < 0 || next[i] >= len || rank[i] != r) continue; // merged away or outdated
            int j = next[i];
            int after = next[j];
            next[i] = after;
            if (after < len) prev[after] = i;
            next[j] = -1; // j is gone
            parts--;
            rank[i] = after < len ? rankOf(buf, i, next[after] < len ? next[after] : len) : TokenTable.NOT_MERGED;
            if (rank[i] != TokenTable.NOT_MERGED) heap.push(((long) rank[i] << 32) | i);
            int p = prev[i];
            if (p >= 0) {
                rank[p] = rankOf(buf, p, after);
                if (rank[p] != TokenTable.NOT_MERGED) heap.push(((long) rank[p] << 32) | p);
            }
        }
        int[] ids = new int[parts];
        int k = 0;
        for (int i = 0; i < len; i = next[i]) {
            int to = next[i];
            ids[k++] = to - i == 1 ? idOfByte[buf[i] & 0xFF] : table.id(table.find(buf, i, to));
        }
        return ids;
    }

    private int rankOf(byte[] buf, int from, int to) {
        int e = table.find(buf, from, to);
        return e < 0 ? TokenTable.NOT_MERGED : table.rank(e);
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding and the vocabulary

    @Override
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** The bytes the ids stand for (a token may be part of a multi-byte character, so bytes are exact and strings not always). */
    public byte[] decodeBytes(int[] ids) {
        int total = 0;
        for (int i = 0; i < ids.length; i++) total += tokenBytesAt(ids, i).length;
        byte[] out = new byte[total];
        int p = 0;
        for (int i = 0; i < ids.length; i++) {
            byte[] b = tokenBytesAt(ids, i);
            System.arraycopy(b, 0, out, p, b.length);
            p += b.length;
        }
        return out;
    }

    private byte[] tokenBytesAt(int[] ids, int i) {
        int id = ids[i];
        if (id >= 0 && id < vocabSize) {
            byte[] b = bytesOfId[id];
            if (b != null) return b;
            for (Map.Entry<String, Integer> s : special.ids().entrySet()) {
                if (s.getValue() == id) return s.getKey().getBytes(StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException("token id " + id + " at position " + i + " is not in the vocabulary of "
                + name + " (ids 0.." + (vocabSize - 1) + ")");
    }

    /** The bytes of one token (special tokens: their UTF-8 spelling). */
    public byte[] tokenBytes(int id) {
        return tokenBytesAt(new int[] {id}, 0).clone();
    }

    /** One token as text; a token that is only part of a UTF-8 character shows as U+FFFD. */
    public String token(int id) {
        return new String(tokenBytesAt(new int[] {id}, 0), StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return special.ids();
    }

    public String name() {
        return name;
    }

    /**
     * The merges in rank order as {left id, right id}: token 256+k is made by merge k. Only known for
     * tokenizers from {@link BpeTrainer} or {@link #load}; null for GPT-2 and tiktoken files.
     */
    public int[][] merges() {
        if (merges == null) return null;
        int[][] copy = new int[merges.length][];
        for (int k = 0; k < merges.length; k++) copy[k] = merges[k].clone();
        return copy;
    }

    /** Number of merges (learned tokens beyond the 256 bytes), special tokens not counted. */
    public int mergeCount() {
        return table.size() - 256;
    }

    /**
     * This tokenizer cut down to its first {@code vocabSize - 256 - specials} merges: exactly the
     * tokenizer that training would have produced with the smaller target. Only for trained tokenizers.
     */
    public BpeTokenizer truncate(int newVocabSize) {
        if (merges == null) throw new UnsupportedOperationException(name + " has no merge list to cut down");
        int keep = newVocabSize - 256 - special.ids().size();
        if (keep < 0 || keep > merges.length) {
            throw new IllegalArgumentException("vocabSize must be in " + (256 + special.ids().size()) + ".."
                    + (256 + merges.length + special.ids().size()) + ", got " + newVocabSize);
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        int next = 256 + keep;
        for (String s : special.ids().keySet()) specials.put(s, next++);
        return fromMerges(name + "-" + newVocabSize, Arrays.copyOf(merges, keep), specials, null);
    }

    @Override
    public String toString() {
        return "BpeTokenizer[" + name + ", vocab " + vocabSize + ", special " + special.ids().keySet() + "]";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    // ---------------------------------------------------------------------------------------------

    /** Per-thread work buffers and word cache. */
    static final class Scratch {
        byte[] buf = new byte[256];
        int[] start = new int[257];
        int[] rank = new int[257];
        final WordCache cache = new WordCache(1 << 16);
        final ShortWordCache shortCache = new ShortWordCache(1 << 16);

        void ensure(int len) {
            if (start.length < len + 1) {
                start = new int[len + 1];
                rank = new int[len + 1];
            }
        }

        /** UTF-8 of text[from..to) into buf; a lone surrogate becomes '?', as String.getBytes does. */
        int utf8(String text, int from, int to) {
            if (buf.length < (to - from) * 3) buf = new byte[(to - from) * 3];
            byte[] b = buf;
            int n = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    b[n++] = (byte) c;
                } else if (c < 0x800) {
                    b[n++] = (byte) (0xC0 | (c >> 6));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, text.charAt(++i));
                        b[n++] = (byte) (0xF0 | (cp >> 18));
                        b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        b[n++] = (byte) (0x80 | (cp & 0x3F));
                    } else {
                        b[n++] = '?';
                    }
                } else {
                    b[n++] = (byte) (0xE0 | (c >> 12));
                    b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            return n;
        }
    }
}
