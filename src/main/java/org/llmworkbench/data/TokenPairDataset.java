package org.llmworkbench.data;

/**
 * A fixed-size collection of (input, target) token-id sequences, addressed by index: what a
 * {@link DataLoader} batches. Implementations return fresh arrays the caller may keep.
 */
public interface TokenPairDataset {

    int size();

    int[] input(int index);

    int[] target(int index);
}
