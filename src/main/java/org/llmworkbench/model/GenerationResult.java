package org.llmworkbench.model;

/**
 * What {@link Generator#generate} produced.
 *
 * @param promptTokens    the prompt ids actually used (left-truncated to the context length)
 * @param promptDropped   how many leading prompt ids were cut off to fit the context
 * @param newTokens       the generated ids (a stop token is not included)
 * @param stopReason      {@code "max-tokens"}, {@code "stop-token"} or {@code "stop-condition"}
 * @param prefillNanos    time to process the prompt and pick the first token
 * @param totalNanos      time of the whole generation
 */
public record GenerationResult(int[] promptTokens, int promptDropped, int[] newTokens, String stopReason,
                               long prefillNanos, long totalNanos) {

    /** Prompt followed by the generated ids. */
    public int[] allTokens() {
        int[] all = new int[promptTokens.length + newTokens.length];
        System.arraycopy(promptTokens, 0, all, 0, promptTokens.length);
        System.arraycopy(newTokens, 0, all, promptTokens.length, newTokens.length);
        return all;
    }

    /** The ids as numbers (a record's own toString would print arrays as [I@1b2c3d), and the timing. */
    @Override
    public String toString() {
        return "GenerationResult[promptTokens=" + java.util.Arrays.toString(promptTokens) + ", promptDropped=" + promptDropped
                + ", newTokens=" + java.util.Arrays.toString(newTokens) + ", stopReason=" + stopReason
                + String.format(java.util.Locale.ROOT, ", prefill %.1f ms, total %.1f ms]", prefillNanos / 1e6, totalNanos / 1e6);
    }

    /** Generated tokens per second of wall time, prompt processing included. */
    public double tokensPerSecond() {
        return totalNanos == 0 ? 0 : newTokens.length / (totalNanos / 1e9);
    }
}
