package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.llmworkbench.model.io.NamedTensor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link GptModel#loadStateDict}: copies weights into the model's live parameters after checking
 * that the names and shapes fit exactly, and says all that does not fit at once.
 */
final class StateDictLoader {
    private StateDictLoader() {}

    static void load(GptConfig config, Map<String, NDArray> parameters, Map<String, ?> state) {
        List<String> missing = new ArrayList<>();
        for (String name : parameters.keySet()) {
            if (!state.containsKey(name)) missing.add(name);
        }
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(parameters.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder msg = new StringBuilder("state dict does not fit this model (" + describe(config) + ")");
            if (!missing.isEmpty()) msg.append("; missing: ").append(abbreviate(missing));
            if (!unexpected.isEmpty()) msg.append("; unexpected: ").append(abbreviate(new ArrayList<>(unexpected)));
            if (unexpected.contains("out_head.weight") && config.tiedHead()) {
                msg.append(" (this model ties out_head to tok_emb.weight: build it with tiedHead=false)");
            }
            throw new IllegalArgumentException(msg.toString());
        }
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            String name = entry.getKey();
            NDArray target = entry.getValue();
            Object value = state.get(name);
            if (value instanceof NamedTensor t) {
                checkShape(name, target.getShape(), new Shape(t.shape()));
                TensorMemory.copyInto(target, t.data());
            } else if (value instanceof NDArray a) {
                checkShape(name, target.getShape(), a.getShape());
                NDArray source = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
                ByteBuffer bytes = source.toByteBuffer();
                if (source != a) source.close();
                TensorMemory.copyInto(target, bytes);
            } else {
                throw new IllegalArgumentException("state dict entry '" + name + "' is a "
                        + (value == null ? "null" : value.getClass().getName()) + "; expected NDArray or NamedTensor");
            }
        }
    }

    private static void checkShape(String name, Shape expected, Shape actual) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + actual + " but the model expects "
                    + expected + "; check that the config (embDim, nLayers, vocabSize, contextLength) matches the weights");
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }

    private static String describe(GptConfig config) {
        return config.nLayers() + " layers, embDim " + config.embDim() + ", qkvBias " + config.qkvBias()
                + ", tiedHead " + config.tiedHead();
    }
}
