package org.llmworkbench.text;

import java.util.Arrays;

/**
 * Word → ids, looked up by a slice of the input without making a substring. Bounded: when it
 * fills up it starts over, which keeps memory flat on endless text and costs little.
 */
final class WordCache {
    private final String[] keys;
    private final int[][] values;
    private final int mask;
    private final int limit;
    private int size;

    WordCache(int capacity) {
        keys = new String[capacity];
        values = new int[capacity][];
        mask = capacity - 1;
        limit = capacity / 2;
    }

    int[] get(String text, int from, int to) {
        int len = to - from;
        for (int h = hash(text, from, to) & mask; ; h = (h + 1) & mask) {
            String k = keys[h];
            if (k == null) return null;
            if (k.length() == len && k.regionMatches(0, text, from, len)) return values[h];
        }
    }

    void put(String word, int[] ids) {
        if (word.length() > 64) return; // long words are rare; caching them only wastes room
        if (size >= limit) {
            Arrays.fill(keys, null);
            Arrays.fill(values, null);
            size = 0;
        }
        int h = hash(word, 0, word.length()) & mask;
        while (keys[h] != null) h = (h + 1) & mask;
        keys[h] = word;
        values[h] = ids;
        size++;
    }

    private static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + s.charAt(i);
        return h ^ (h >>> 16);
    }
}
