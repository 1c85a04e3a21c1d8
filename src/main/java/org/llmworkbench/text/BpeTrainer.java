package org.llmworkbench.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a byte-level BPE vocabulary from a text, the way GPT-2's was learned: cut the text into
 * words with GPT-2's pre-tokenizer, start from the 256 bytes, and repeatedly merge the most frequent
 * adjacent pair of tokens into a new token until the vocabulary has the target size.
 *
 * <p>It scales because it never recounts: words are counted once (a word that occurs 1,000 times is
 * one entry with weight 1,000), each pair remembers which words contain it, and a merge only
 * revisits those words, updating the pair counts by what changed. The most frequent pair comes from
 * a priority queue whose outdated entries are skipped when they surface. Ties go to the pair with
 * the smaller (left id, right id), so training is deterministic.
 */
public final class BpeTrainer {

    /**
     * @param vocabSize     total vocabulary: 256 bytes + merges + special tokens
     * @param specialTokens special tokens, given the last ids (in this order)
     */
    public record Config(int vocabSize, List<String> specialTokens) {
        public static final int MAX_VOCAB_SIZE = 1 << 20;

        public Config {
            if (specialTokens == null) throw new IllegalArgumentException("specialTokens must not be null (use List.of())");
            specialTokens = List.copyOf(specialTokens);
            if (vocabSize < 256 + specialTokens.size() || vocabSize > MAX_VOCAB_SIZE) {
                throw new IllegalArgumentException("vocabSize must be in " + (256 + specialTokens.size()) + ".." + MAX_VOCAB_SIZE
                        + " (256 bytes + " + specialTokens.size() + " special tokens at least), got " + vocabSize);
            }
            if (Set.copyOf(specialTokens).size() != specialTokens.size() || specialTokens.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("specialTokens must be distinct and non-empty, got " + specialTokens);
            }
        }

        public static Config of(int vocabSize) {
            return new Config(vocabSize, List.of(Tokenizer.END_OF_TEXT));
        }
    }

    /** One learned merge: token {@code id} = {@code left} + {@code right}, which occurred {@code count} times. */
    public record Merge(int id, int left, int right, long count) {}

    /** Told about each merge as it is learned (for progress bars and charts). */
    public interface Listener {
        void merged(Merge merge);
    }

    private final Config config;

    public BpeTrainer(Config config) {
        this.config = config;
    }

    public BpeTokenizer train(String text) {
        return train(text, m -> { });
    }

    public BpeTokenizer train(String text, Listener listener) {
        Words words = countWords(text);
        int targetMerges = config.vocabSize() - 256 - config.specialTokens().size();

        Map<Long, Pair> pairs = new HashMap<>();
        for (int w = 0; w < words.count; w++) addPairs(pairs, words, w, -1);
        PriorityQueue<long[]> queue = new PriorityQueue<>(MOST_FREQUENT_FIRST);
        for (Pair p : pairs.values()) queue.add(new long[] {p.count, p.key});

        List<byte[]> bytes = new ArrayList<>();
        Map<String, Integer> idOfBytes = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            bytes.add(new byte[] {(byte) b});
            idOfBytes.put(latin1(bytes.get(b)), b);
        }
        List<int[]> merges = new ArrayList<>();
        int[] visited = new int[words.count];
        int stamp = 0;

        while (merges.size() < targetMerges && !queue.isEmpty()) {
            long[] top = queue.poll();
            Pair best = pairs.get(top[1]);
            if (best == null || best.count <= 0) continue;
            if (best.count != top[0]) {
                queue.add(new long[] {best.count, best.key});
                continue;
            }
            byte[] joined = concat(bytes.get(best.left), bytes.get(best.right));
            Integer existing = idOfBytes.get(latin1(joined));
            int newId;
            if (existing != null) {
                newId = existing; // the same bytes were already made by another merge: reuse that token
            } else {
                newId = 256 + merges.size();
                merges.add(new int[] {best.left, best.right});
                bytes.add(joined);
                idOfBytes.put(latin1(joined), newId);
                listener.merged(new Merge(newId, best.left, best.right, best.count));
            }
            stamp++;
            List<Long> grown = new ArrayList<>();
            IntList inWords = best.words;
            for (int i = 0; i < inWords.size(); i++) {
                int w = inWords.get(i);
                if (visited[w] == stamp) continue;
                visited[w] = stamp;
                applyMerge(pairs, words, w, best.left, best.right, newId, grown);
            }
            pairs.remove(best.key);
            for (Long key : grown) {
                Pair p = pairs.get(key);
                if (p != null && p.count > 0) queue.add(new long[] {p.count, key});
            }
        }

        Map<String, Integer> specials = new LinkedHashMap<>();
        for (String s : config.specialTokens()) specials.put(s, 256 + merges.size() + specials.size());
        return BpeTokenizer.fromMerges("bpe-" + (256 + merges.size() + specials.size()), merges.toArray(new int[0][]), specials, null);
    }

    private static final Comparator<long[]> MOST_FREQUENT_FIRST =
            Comparator.<long[]>comparingLong(e -> -e[0]).thenComparingLong(e -> e[1]);

    // ---------------------------------------------------------------------------------------------

    /** The distinct words of the text as byte-id sequences, with how often each occurs. */
    private static final class Words {
        int[][] symbols;
        long[] freq;
        int count;
    }

    private Words countWords(String text) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, Integer> specialIds = new LinkedHashMap<>();
        for (String s : config.specialTokens()) specialIds.put(s, 0);
        new SpecialTokens(specialIds).split(text, specialIds.keySet(), new SpecialTokens.Segments() {
            @Override
            public void plain(String t, int from, int to) {
                for (int i = from; i < to; ) {
                    int end = Gpt2PreTokenizer.pieceEnd(t, i, to);
                    counts.computeIfAbsent(t.substring(i, end), k -> new long[1])[0]++;
                    i = end;
                }
            }

            @Override
            public void special(String token, int id) {
                // special tokens separate documents; they are not learned from
            }
        });
        Words words = new Words();
        words.count = counts.size();
        words.symbols = new int[words.count][];
        words.freq = new long[words.count];
        int w = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] s = new int[b.length];
            for (int i = 0; i < b.length; i++) s[i] = b[i] & 0xFF;
            words.symbols[w] = s;
            words.freq[w] = e.getValue()[0];
            w++;
        }
        return words;
    }

    /** An adjacent pair of tokens, its weighted count, and the words it may occur in (possibly stale). */
    private static final class Pair {
        final long key;
        final int left;
        final int right;
        long count;
        final IntList words = new IntList(4);

        Pair(long key) {
            this.key = key;
            this.left = (int) (key >>> 32);
            this.right = (int) key;
        }
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Counts the pairs of word w; pairs containing {@code onlyWithId} (or all, if -1) also note the word. */
    private static void addPairs(Map<Long, Pair> pairs, Words words, int w, int onlyWithId) {
        int[] s = words.symbols[w];
        for (int i = 0; i + 1 < s.length; i++) {
            long k = key(s[i], s[i + 1]);
            Pair p = pairs.computeIfAbsent(k, Pair::new);
            p.count += words.freq[w];
            if (onlyWithId < 0 || s[i] == onlyWithId || s[i + 1] == onlyWithId) p.words.add(w);
        }
    }

    private static void applyMerge(Map<Long, Pair> pairs, Words words, int w, int left, int right, int newId, List<Long> grown) {
        int[] s = words.symbols[w];
        int[] merged = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                merged[n++] = newId;
                i++;
            } else {
                merged[n++] = s[i];
            }
        }
        if (n == s.length) return; // a stale entry: this word no longer has the pair
        long f = words.freq[w];
        for (int i = 0; i + 1 < s.length; i++) {
            Pair p = pairs.get(key(s[i], s[i + 1]));
            if (p != null) p.count -= f;
        }
        int[] t = Arrays.copyOf(merged, n);
        words.symbols[w] = t;
        for (int i = 0; i + 1 < n; i++) {
            long k = key(t[i], t[i + 1]);
            Pair p = pairs.computeIfAbsent(k, Pair::new);
            p.count += f;
            if (t[i] == newId || t[i + 1] == newId) {
                p.words.add(w);
                grown.add(k);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
