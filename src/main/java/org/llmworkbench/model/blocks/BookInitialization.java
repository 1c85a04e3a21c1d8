package org.llmworkbench.model.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.TensorMemory;

import java.util.Map;

/**
 * Re-initializes a {@link GptModel} the way the book's PyTorch {@code GPTModel} is initialized:
 * PyTorch's layer defaults (embeddings standard normal, linear layers uniform in ±1/√fan_in, norms
 * 1 and 0), drawn from PyTorch's generator after {@code torch.manual_seed(seed)} in the order the
 * book's modules are constructed. With seed 123 an untrained gpt2-small then generates the book's
 * tokens. The library's own initialization is GPT-2's instead: every weight N(0, 0.02), biases 0.
 */
public final class BookInitialization {
    private BookInitialization() {}

    public static void apply(GptModel model, long seed) {
        GptConfig c = model.config();
        if (c.tiedHead()) throw new IllegalArgumentException("the book's GPTModel has its own out_head: use a config with tiedHead=false");
        Map<String, NDArray> p = model.parameters();
        TorchRandom.seed(seed);
        long e = c.embDim();
        normal(p, "tok_emb.weight");
        normal(p, "pos_emb.weight");
        for (int i = 0; i < c.nLayers(); i++) {
            String b = "trf_blocks." + i + ".";
            // TransformerBlock.__init__: att (W_query, W_key, W_value, out_proj), then ff; the norms draw nothing
            for (String w : new String[] {"W_query", "W_key", "W_value"}) linear(p, b + "att." + w, e, c.qkvBias());
            linear(p, b + "att.out_proj", e, true);
            linear(p, b + "ff.layers.0", e, true);
            linear(p, b + "ff.layers.2", 4 * e, true);
            for (String norm : new String[] {"norm1", "norm2"}) {
                TensorMemory.copyInto(p.get(b + norm + ".scale"), ones(p.get(b + norm + ".scale")));
                TensorMemory.copyInto(p.get(b + norm + ".shift"), new float[(int) e]);
            }
        }
        TensorMemory.copyInto(p.get("final_norm.scale"), ones(p.get("final_norm.scale")));
        TensorMemory.copyInto(p.get("final_norm.shift"), new float[(int) e]);
        linear(p, "out_head", e, false);
    }

    private static float[] ones(NDArray a) {
        float[] v = new float[(int) a.size()];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    private static void normal(Map<String, NDArray> p, String name) {
        NDArray target = p.get(name);
        try (NDManager scope = target.getManager().newSubManager()) {
            TensorMemory.copyInto(target, TorchRandom.randn(scope, target.getShape().getShape()).toByteBuffer());
        }
    }

    // nn.Linear.reset_parameters: the weight, then the bias, each uniform in ±1/√fan_in.
    private static void linear(Map<String, NDArray> p, String name, long fanIn, boolean bias) {
        double bound = 1.0 / Math.sqrt(fanIn);
        for (String part : bias ? new String[] {".weight", ".bias"} : new String[] {".weight"}) {
            NDArray target = p.get(name + part);
            if (target == null) throw new IllegalStateException("the model has no parameter '" + name + part + "'");
            try (NDManager scope = target.getManager().newSubManager()) {
                TensorMemory.copyInto(target, TorchRandom.uniform(scope, bound, target.getShape().getShape()).toByteBuffer());
            }
        }
    }
}
