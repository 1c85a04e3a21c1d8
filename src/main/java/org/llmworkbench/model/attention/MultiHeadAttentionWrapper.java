package org.llmworkbench.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Multi-head attention the obvious way: several independent causal heads side by side, their
 * context vectors concatenated. Each head can learn a different kind of relation between tokens.
 * Clear but slow: H separate projections and H separate matrix products.
 */
public final class MultiHeadAttentionWrapper extends AttentionModule {
    private final List<CausalSelfAttention> heads;

    public MultiHeadAttentionWrapper(NDManager parent, int dIn, int dOutPerHead, int contextLength, double dropoutRate,
                                     int numHeads, boolean qkvBias, long seed) {
        super(parent);
        if (numHeads < 1) throw new IllegalArgumentException("numHeads = " + numHeads + " must be >= 1");
        SplittableRandom seeds = new SplittableRandom(seed);
        List<CausalSelfAttention> hs = new ArrayList<>();
        for (int h = 0; h < numHeads; h++) {
            hs.add(new CausalSelfAttention(manager, dIn, dOutPerHead, contextLength, dropoutRate, qkvBias, seeds.nextLong()));
        }
        this.heads = Collections.unmodifiableList(hs);
    }

    public List<CausalSelfAttention> heads() {
        return heads;
    }

    /** Every head's parameters, as {@code heads.{h}.W_query.weight} and so on. */
    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> all = new LinkedHashMap<>();
        for (int h = 0; h < heads.size(); h++) {
            String prefix = "heads." + h + ".";
            heads.get(h).parameters().forEach((name, p) -> all.put(prefix + name, p));
        }
        return Collections.unmodifiableMap(all);
    }

    @Override
    public void setTraining(boolean training) {
        super.setTraining(training);
        heads.forEach(h -> h.setTraining(training));
    }

    /** Context [B, T, H·d_out] and weights [B, H, T, T]. */
    @Override
    protected Pass compute(NDArray x) {
        NDList contexts = new NDList(), weights = new NDList();
        for (CausalSelfAttention head : heads) {
            Pass p = head.attend(x);
            contexts.add(p.context());
            weights.add(p.weights());
        }
        return new Pass(NDArrays.concat(contexts, -1), NDArrays.stack(weights, 1));
    }
}
