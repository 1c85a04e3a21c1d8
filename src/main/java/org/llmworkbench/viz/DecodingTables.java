package org.llmworkbench.viz;

import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.TokenSampler;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Decoding strategies made visible: how often each token is drawn from the same logits at
 * different temperatures (the book's §5.3 table of 1,000 draws). A low temperature sharpens the
 * distribution towards the most likely token; a high one flattens it towards uniform.
 */
public final class DecodingTables {
    private DecodingTables() {}

    /** One row per token, one column of draw counts per temperature; draws are seeded. */
    public static Table temperatureDraws(String[] tokens, float[] logits, double[] temperatures, int draws, long seed) {
        if (tokens.length != logits.length) {
            throw new IllegalArgumentException(tokens.length + " token names for " + logits.length + " logits");
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("temperatureDraws: no tokens; give at least one token name and its logit");
        }
        for (double t : temperatures) {
            if (t == 0) {
                throw new IllegalArgumentException("temperatureDraws: temperature 0 is greedy decoding (every draw is the most"
                        + " likely token), not a sampling temperature; give temperatures above 0, e.g. 0.1, 1, 5");
            }
            if (!(t > 0)) {
                throw new IllegalArgumentException("temperatureDraws: temperature " + t + " must be above 0, e.g. 0.1, 1, 5");
            }
        }
        Table table = Table.create("draws", StringColumn.create("token", tokens));
        for (double t : temperatures) {
            TokenSampler sampler = new TokenSampler(GenerationConfig.sampling(1, t, 0, 1.0, seed));
            int[] counts = new int[tokens.length];
            for (int i = 0; i < draws; i++) counts[sampler.next(logits.clone())]++;
            table.addColumns(IntColumn.create("T=" + t, counts));
        }
        return table;
    }
}
