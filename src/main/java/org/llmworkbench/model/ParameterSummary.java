package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import org.llmworkbench.model.io.Gpt2Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a GPT's parameters are: embeddings, attention, feed-forward, norms, output head. The
 * feed-forward networks hold about two thirds of each block; in GPT-2 small the (untied) output head
 * alone is a quarter of the whole model.
 */
public final class ParameterSummary {
    private ParameterSummary() {}

    /** Parameter count per component, in forward order, summed over all blocks. */
    public static Map<String, Long> byComponent(GptModel model) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String component : new String[] {"token embedding", "position embedding", "attention",
                "feed-forward", "layer norms", "output head"}) {
            counts.put(component, 0L);
        }
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            counts.merge(componentOf(e.getKey()), e.getValue().getShape().size(), Long::sum);
        }
        if (model.config().tiedHead()) {
            counts.put("output head", 0L);
        }
        return counts;
    }

    static String componentOf(String name) {
        return switch (Gpt2Parameters.componentOf(name)) {
            case TOKEN_EMBEDDING -> "token embedding";
            case POSITION_EMBEDDING -> "position embedding";
            case ATTENTION -> "attention";
            case FEED_FORWARD -> "feed-forward";
            case LAYER_NORMS -> "layer norms";
            case OUTPUT_HEAD -> "output head";
        };
    }
}
