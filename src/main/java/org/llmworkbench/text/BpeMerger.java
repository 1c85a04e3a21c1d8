package org.llmworkbench.text;

/**
 * The merge loop of byte-level BPE and what makes it fast. A word's UTF-8 bytes start as one part
 * each; the adjacent pair whose joined bytes have the lowest rank (were learned earliest) is merged,
 * again and again, until no adjacent pair is a token. Merging works on an array of part boundaries,
 * never on strings, and words already seen come from a per-thread cache (text repeats its words).
 * Safe to share between threads.
 */
final class BpeMerger {
    private final TokenTable table;
    private final int[] idOfByte;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    BpeMerger(TokenTable table, int[] idOfByte) {
        this.table = table;
        this.idOfByte = idOfByte;
    }

    /** Appends the ids of text[from..to) to {@code out}: pre-tokenized into words, each merged (or found in the cache). */
    void encode(String text, int from, int to, IntList out) {
        Scratch s = scratch.get();
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
    private int[] bytePairMerge(byte[] buf, int len, Scratch s) {
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

    /** Per-thread work buffers and word cache. */
    private static final class Scratch {
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
