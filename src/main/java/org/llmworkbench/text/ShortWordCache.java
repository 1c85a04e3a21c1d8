package org.llmworkbench.text;

import java.util.Arrays;

/**
 * The cache for the common case, words of up to 7 Latin-1 characters: the word is packed into a
 * long (length + 8 bits per character), so a lookup touches two primitive arrays and no objects.
 * A word that is one token (most are) stores its id directly.
 */
final class ShortWordCache {
    private final long[] keys;
    private final int[] single;
    private final int[][] ids;
    private final int mask;
    private final int limit;
    private int size;

    ShortWordCache(int capacity) {
        keys = new long[capacity];
        single = new int[capacity];
        ids = new int[capacity][];
        mask = capacity - 1;
        limit = capacity / 2;
    }

    /** The packed key of text[from..to), or 0 if it is longer than 7 characters or has one above U+00FF. */
    static long pack(String text, int from, int to) {
        int len = to - from;
        if (len > 7) return 0;
        long key = (long) len << 56;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c > 0xFF) return 0;
            key |= (long) c << (8 * (i - from));
        }
        return key;
    }

    int find(long key) {
        for (int h = mix(key) & mask; ; h = (h + 1) & mask) {
            long k = keys[h];
            if (k == key) return h;
            if (k == 0) return -1;
        }
    }

    int put(long key, int[] wordIds) {
        if (size >= limit) {
            Arrays.fill(keys, 0L);
            Arrays.fill(ids, null);
            size = 0;
        }
        int h = mix(key) & mask;
        while (keys[h] != 0) h = (h + 1) & mask;
        keys[h] = key;
        single[h] = wordIds.length == 1 ? wordIds[0] : -1;
        ids[h] = wordIds;
        size++;
        return h;
    }

    int single(int slot) {
        return single[slot];
    }

    int[] ids(int slot) {
        return ids[slot];
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }
}
