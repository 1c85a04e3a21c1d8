package org.llmworkbench.model.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's parameters, one row each: the name in our (the book's) state dict, the Hugging Face name,
 * the shape as our model stores it, and how the Hugging Face file stores it. This one table is what
 * import, export and the parameter summary read; nothing else spells a GPT-2 name.
 *
 * <p>Two differences with Hugging Face. Hugging Face's GPT-2 uses a "Conv1D" that stores weights
 * [in, out], our linear layers store [out, in] like PyTorch's nn.Linear: those rows are
 * {@code transposed}. And Hugging Face fuses query, key and value into one {@code c_attn}
 * projection: our three rows each read one third ({@code part} 0, 1, 2) of it.
 */
public final class Gpt2Parameters {
    /** Which part of the model a parameter belongs to (the parameter summary's rows). */
    public enum Component { TOKEN_EMBEDDING, POSITION_EMBEDDING, ATTENTION, FEED_FORWARD, LAYER_NORMS, OUTPUT_HEAD }

    /** Shape dimensions a row can name: the embedding width, 4x it, the vocabulary, the context. */
    private enum Dim { EMB, HIDDEN, VOCAB, CONTEXT }

    /**
     * One parameter. In a block, names are suffixes after {@code trf_blocks.N.} and {@code h.N.}.
     * {@code part} is -1, or which third of the fused q|k|v tensor this is.
     */
    public record Row(String ours, String hf, Component component, boolean transposed, int part, List<Dim> dims) {
        /** Our shape for this config. */
        public long[] shape(HfGpt2Config c) {
            long[] s = new long[dims.size()];
            for (int i = 0; i < s.length; i++) s[i] = size(dims.get(i), c);
            return s;
        }

        /** Only GPT-2 with {@code qkvBias} has these. */
        public boolean isQkvBias() {
            return part >= 0 && ours.endsWith(".bias");
        }
    }

    private static final List<Row> TOP = List.of(
            row("tok_emb.weight", "wte.weight", Component.TOKEN_EMBEDDING, false, -1, Dim.VOCAB, Dim.EMB),
            row("pos_emb.weight", "wpe.weight", Component.POSITION_EMBEDDING, false, -1, Dim.CONTEXT, Dim.EMB));

    /** A block's parameters in the order the model creates them. */
    public static final List<Row> BLOCK = List.of(
            row("norm1.scale", "ln_1.weight", Component.LAYER_NORMS, false, -1, Dim.EMB),
            row("norm1.shift", "ln_1.bias", Component.LAYER_NORMS, false, -1, Dim.EMB),
            row("att.W_query.weight", "attn.c_attn.weight", Component.ATTENTION, true, 0, Dim.EMB, Dim.EMB),
            row("att.W_query.bias", "attn.c_attn.bias", Component.ATTENTION, false, 0, Dim.EMB),
            row("att.W_key.weight", "attn.c_attn.weight", Component.ATTENTION, true, 1, Dim.EMB, Dim.EMB),
            row("att.W_key.bias", "attn.c_attn.bias", Component.ATTENTION, false, 1, Dim.EMB),
            row("att.W_value.weight", "attn.c_attn.weight", Component.ATTENTION, true, 2, Dim.EMB, Dim.EMB),
            row("att.W_value.bias", "attn.c_attn.bias", Component.ATTENTION, false, 2, Dim.EMB),
            row("att.out_proj.weight", "attn.c_proj.weight", Component.ATTENTION, true, -1, Dim.EMB, Dim.EMB),
            row("att.out_proj.bias", "attn.c_proj.bias", Component.ATTENTION, false, -1, Dim.EMB),
            row("norm2.scale", "ln_2.weight", Component.LAYER_NORMS, false, -1, Dim.EMB),
            row("norm2.shift", "ln_2.bias", Component.LAYER_NORMS, false, -1, Dim.EMB),
            row("ff.layers.0.weight", "mlp.c_fc.weight", Component.FEED_FORWARD, true, -1, Dim.HIDDEN, Dim.EMB),
            row("ff.layers.0.bias", "mlp.c_fc.bias", Component.FEED_FORWARD, false, -1, Dim.HIDDEN),
            row("ff.layers.2.weight", "mlp.c_proj.weight", Component.FEED_FORWARD, true, -1, Dim.EMB, Dim.HIDDEN),
            row("ff.layers.2.bias", "mlp.c_proj.bias", Component.FEED_FORWARD, false, -1, Dim.EMB));

    private static final List<Row> END = List.of(
            row("final_norm.scale", "ln_f.weight", Component.LAYER_NORMS, false, -1, Dim.EMB),
            row("final_norm.shift", "ln_f.bias", Component.LAYER_NORMS, false, -1, Dim.EMB));

    private static final Row HEAD = row("out_head.weight", "lm_head.weight", Component.OUTPUT_HEAD, false, -1, Dim.VOCAB, Dim.EMB);

    private Gpt2Parameters() {}

    private static Row row(String ours, String hf, Component component, boolean transposed, int part, Dim... dims) {
        return new Row(ours, hf, component, transposed, part, List.of(dims));
    }

    private static long size(Dim d, HfGpt2Config c) {
        return switch (d) {
            case EMB -> c.embDim();
            case HIDDEN -> 4L * c.embDim();
            case VOCAB -> c.vocabSize();
            case CONTEXT -> c.contextLength();
        };
    }

    /** Every parameter of a model with this config, with full names ({@code trf_blocks.3.…}, {@code h.3.…}), in model order. */
    public static List<Row> rows(HfGpt2Config c) {
        List<Row> all = new ArrayList<>(TOP);
        for (int i = 0; i < c.nLayers(); i++) {
            String ours = "trf_blocks." + i + ".";
            String hf = "h." + i + ".";
            for (Row r : BLOCK) {
                if (r.isQkvBias() && !c.qkvBias()) continue;
                all.add(new Row(ours + r.ours(), hf + r.hf(), r.component(), r.transposed(), r.part(), r.dims()));
            }
        }
        all.addAll(END);
        if (!c.tiedHead()) all.add(HEAD);
        return all;
    }

    /** Our names → shapes, in model order. */
    public static Map<String, long[]> oursShapes(HfGpt2Config c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Row r : rows(c)) m.put(r.ours(), r.shape(c));
        return m;
    }

    /** Hugging Face names (no {@code transformer.} prefix) → shapes as stored there: transposed, q|k|v fused. */
    public static Map<String, long[]> hfShapes(HfGpt2Config c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Row r : rows(c)) {
            long[] s = r.shape(c);
            if (r.transposed()) s = new long[] {s[1], s[0]};
            if (r.part() >= 0) s[s.length - 1] *= 3;
            m.putIfAbsent(r.hf(), s);
        }
        return m;
    }

    /** The component of one of our parameter names, for any number of blocks. */
    public static Component componentOf(String ours) {
        String name = ours.startsWith("trf_blocks.") ? ours.substring(ours.indexOf('.', "trf_blocks.".length()) + 1) : ours;
        for (List<Row> rows : List.of(TOP, BLOCK, END, List.of(HEAD))) {
            for (Row r : rows) {
                if (r.ours().equals(name)) return r.component();
            }
        }
        throw new IllegalArgumentException("parameter '" + ours + "' is not a GPT-2 parameter");
    }
}
