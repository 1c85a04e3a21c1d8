package org.llmworkbench.text;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Byte-level byte-pair encoding, as GPT-2 does it. Text is cut into words by
 * {@link Gpt2PreTokenizer}, each word is turned into its UTF-8 bytes, and adjacent parts are merged
 * again and again, always the pair whose merged bytes have the lowest rank (were learned earliest),
 * until no pair is a token. Because it starts from bytes, any text can be encoded: there is no
 * unknown token.
 *
 * <p>Loaded from GPT-2's {@code encoder.json} + {@code vocab.bpe} ({@link Tokenizers#gpt2()}) it gives
 * exactly GPT-2's ids (tiktoken's r50k_base). {@link BpeFiles} reads those, tiktoken rank files and
 * the readable format {@link BpeTrainer}'s tokenizers are saved in; {@link BpeMerger} is the merge
 * loop and its caches. Instances are safe to share between threads.
 */
public final class BpeTokenizer implements Tokenizer {

    private final String name;
    private final TokenTable table;
    private final byte[][] bytesOfId;
    private final int[] idOfByte = new int[256];
    private final SpecialTokens special;
    private final int vocabSize;
    /** Merge k as the ids of its two parts (rank order); only for tokenizers with byte ids 0-255, else null. */
    private final int[][] merges;
    private final BpeMerger merger;

    BpeTokenizer(String name, TokenTable table, Map<String, Integer> specialIds, int[][] merges, Path source) {
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
        this.merger = new BpeMerger(table, idOfByte);
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

    /** Writes this tokenizer in the readable merges format ({@link BpeFiles#write}). */
    public void save(Path file) {
        BpeFiles.write(this, file);
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding

    @Override
    public int[] encode(String text, Set<String> allowedSpecial) {
        IntList out = new IntList(text.length() / 3 + 16);
        special.split(text, allowedSpecial, new SpecialTokens.Segments() {
            @Override
            public void plain(String t, int from, int to) {
                merger.encode(t, from, to, out);
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
        merger.encode(text, 0, text.length(), out);
        return out.toArray();
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
        throw new IllegalArgumentException("token id " + id + (ids.length > 1 ? " at position " + i : "") + " is not in the vocabulary of "
                + name + " (ids 0.." + (vocabSize - 1) + ")");
    }

    /** The bytes of one token (special tokens: their UTF-8 spelling). */
    @Override
    public byte[] tokenBytes(int id) {
        return tokenBytesAt(new int[] {id}, 0).clone();
    }

    /** One token as text; a token that is only part of a UTF-8 character shows as U+FFFD. */
    @Override
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
     * tokenizers from {@link BpeTrainer} or {@link BpeFiles#read}; null for GPT-2 and tiktoken files.
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
}
