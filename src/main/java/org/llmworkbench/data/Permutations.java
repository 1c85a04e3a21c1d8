package org.llmworkbench.data;

import java.util.SplittableRandom;

/** Orders of 0..n-1 for splits and epochs, the same on every JDK and every run. */
public final class Permutations {
    private Permutations() {}

    /** 0, 1, …, n-1. */
    public static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /** A Fisher-Yates shuffle of 0..n-1 driven by {@code SplittableRandom(seed)}. */
    public static int[] shuffled(int n, long seed) {
        int[] order = identity(n);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
