package org.llmworkbench.text;

import java.util.Arrays;

/**
 * Byte sequences of a BPE vocabulary, each with its merge rank and its id, looked up by a slice of a
 * byte array without copying it (the encoder asks "is bytes[a..b) a token, and how early was it
 * merged?" millions of times). Open addressing with linear probing.
 */
final class TokenTable {
    static final int NOT_MERGED = Integer.MAX_VALUE;

    private byte[][] keys = new byte[16][];
    private int[] ranks = new int[16];
    private int[] ids = new int[16];
    private int size;
    private int[] slots;
    private int mask;

    TokenTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        slots = new int[cap];
        Arrays.fill(slots, -1);
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    /** Adds a token; returns false (and changes nothing) if the bytes are already present. */
    boolean add(byte[] bytes, int rank, int id) {
        int h = hash(bytes, 0, bytes.length) & mask;
        while (slots[h] >= 0) {
            if (Arrays.equals(keys[slots[h]], bytes)) return false;
            h = (h + 1) & mask;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            ranks = Arrays.copyOf(ranks, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
        }
        keys[size] = bytes;
        ranks[size] = rank;
        ids[size] = id;
        slots[h] = size++;
        if (size * 2 > slots.length) rehash();
        return true;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        Arrays.fill(slots, -1);
        mask = slots.length - 1;
        for (int e = 0; e < size; e++) {
            int h = hash(keys[e], 0, keys[e].length) & mask;
            while (slots[h] >= 0) h = (h + 1) & mask;
            slots[h] = e;
        }
    }

    /** Entry index of {@code buf[from..to)}, or -1. */
    int find(byte[] buf, int from, int to) {
        int h = hash(buf, from, to) & mask;
        int len = to - from;
        for (int e; (e = slots[h]) >= 0; h = (h + 1) & mask) {
            byte[] k = keys[e];
            if (k.length == len && Arrays.equals(k, 0, len, buf, from, to)) return e;
        }
        return -1;
    }

    int rank(int entry) {
        return ranks[entry];
    }

    int id(int entry) {
        return ids[entry];
    }

    byte[] bytes(int entry) {
        return keys[entry];
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) h = (h ^ b[i]) * 0x01000193;
        return h ^ (h >>> 15);
    }
}
