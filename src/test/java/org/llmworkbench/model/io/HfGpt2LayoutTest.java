package org.llmworkbench.model.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HfGpt2LayoutTest {
    private static final HfGpt2Config C = TinyGpt2.CONFIG;
    private static final int E = 8;

    @TempDir
    Path dir;

    private Path writeHf(String name, StateDict hf, HfGpt2Config config) throws IOException {
        Path d = dir.resolve(name);
        Safetensors.write(d.resolve("model.safetensors"), hf, Map.of("format", "pt"), DType.F32);
        config.write(d.resolve("config.json"));
        return d;
    }

    private static float at(NamedTensor t, int r, int c) {
        return t.data()[r * (int) t.dim(1) + c];
    }

    @Test
    void loadsIntoOurNamesWithConv1dTransposedAndQkvSplit() throws IOException {
        StateDict hf = TinyGpt2.hfWeights(C, 1);
        Gpt2Checkpoint ckpt = HfGpt2Layout.load(writeHf("hf", hf, C));
        StateDict sd = ckpt.stateDict();

        assertThat(ckpt.config()).isEqualTo(C);
        assertThat(sd.names()).containsExactlyElementsOf(HfGpt2Layout.workbenchShapes(C).keySet());
        assertThat(sd.size()).isEqualTo(2 + 16 * 2 + 2);

        NamedTensor cAttn = hf.get("h.1.attn.c_attn.weight");
        NamedTensor q = sd.get("trf_blocks.1.att.W_query.weight");
        NamedTensor k = sd.get("trf_blocks.1.att.W_key.weight");
        NamedTensor v = sd.get("trf_blocks.1.att.W_value.weight");
        assertThat(q.shape()).containsExactly(E, E);
        // our [out, in] entry (o, i) is HF's Conv1D [in, out] entry (i, o), offset by E per q|k|v block
        assertThat(at(q, 3, 5)).isEqualTo(at(cAttn, 5, 3));
        assertThat(at(k, 3, 5)).isEqualTo(at(cAttn, 5, E + 3));
        assertThat(at(v, 3, 5)).isEqualTo(at(cAttn, 5, 2 * E + 3));
        assertThat(at(v, 7, 0)).isEqualTo(at(cAttn, 0, 2 * E + 7));
        assertThat(at(q, 0, 1)).isNotEqualTo(at(q, 1, 0));

        float[] qkvBias = hf.get("h.1.attn.c_attn.bias").data();
        assertThat(sd.get("trf_blocks.1.att.W_key.bias").data()[2]).isEqualTo(qkvBias[E + 2]);
        assertThat(sd.get("trf_blocks.1.att.W_value.bias").data()[7]).isEqualTo(qkvBias[2 * E + 7]);

        NamedTensor fc = hf.get("h.0.mlp.c_fc.weight"); // [E, 4E]
        NamedTensor ff0 = sd.get("trf_blocks.0.ff.layers.0.weight"); // [4E, E]
        assertThat(ff0.shape()).containsExactly(4 * E, E);
        assertThat(at(ff0, 29, 6)).isEqualTo(at(fc, 6, 29));
        NamedTensor proj = hf.get("h.0.mlp.c_proj.weight"); // [4E, E]
        NamedTensor ff2 = sd.get("trf_blocks.0.ff.layers.2.weight"); // [E, 4E]
        assertThat(at(ff2, 6, 29)).isEqualTo(at(proj, 29, 6));
        assertThat(at(sd.get("trf_blocks.0.att.out_proj.weight"), 2, 4)).isEqualTo(at(hf.get("h.0.attn.c_proj.weight"), 4, 2));

        assertThat(sd.get("tok_emb.weight")).isEqualTo(hf.get("wte.weight").renamed("tok_emb.weight"));
        assertThat(sd.get("trf_blocks.1.norm2.shift").data()).isEqualTo(hf.get("h.1.ln_2.bias").data());
        assertThat(sd.get("final_norm.scale").data()).isEqualTo(hf.get("ln_f.weight").data());
        assertThat(sd.contains("out_head.weight")).isFalse();
    }

    @Test
    void exportRoundTripsToIdenticalBytes() throws IOException {
        Path original = writeHf("hf", TinyGpt2.hfWeights(C, 2), C);
        Gpt2Checkpoint ckpt = HfGpt2Layout.load(original);
        Path exported = dir.resolve("exported");
        HfGpt2Layout.save(exported, ckpt);

        assertThat(Files.readAllBytes(exported.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(original.resolve("model.safetensors")));
        assertThat(Files.readAllBytes(exported.resolve("config.json")))
                .isEqualTo(Files.readAllBytes(original.resolve("config.json")));
        assertThat(HfGpt2Layout.load(exported)).isEqualTo(ckpt);
    }

    @Test
    void acceptsTransformerPrefixMaskBuffersAndSeparateHead() throws IOException {
        HfGpt2Config untied = C.withTiedHead(false);
        StateDict plain = TinyGpt2.hfWeights(untied, 3);
        StateDict prefixed = new StateDict();
        for (NamedTensor t : plain.tensors()) {
            // a GPT2LMHeadModel save: body under "transformer.", head at top level
            prefixed.put(t.name().equals("lm_head.weight") ? t : t.renamed("transformer." + t.name()));
        }
        for (int i = 0; i < untied.nLayers(); i++) {
            prefixed.put(NamedTensor.of("transformer.h." + i + ".attn.bias", new float[16 * 16], 1, 1, 16, 16));
            prefixed.put(NamedTensor.of("transformer.h." + i + ".attn.masked_bias", new float[] {-1e4f}));
        }
        // config.json says tied, but the file has lm_head: the weights decide
        Gpt2Checkpoint ckpt = HfGpt2Layout.load(writeHf("prefixed", prefixed, C));
        assertThat(ckpt.config().tiedHead()).isFalse();
        assertThat(ckpt.stateDict().get("out_head.weight").data()).isEqualTo(plain.get("lm_head.weight").data());
        assertThat(ckpt).isEqualTo(HfGpt2Layout.fromHuggingFace(plain, untied));

        Path exported = dir.resolve("exported");
        HfGpt2Layout.save(exported, ckpt);
        assertThat(Safetensors.read(exported.resolve("model.safetensors"))).isEqualTo(plain);
        assertThat(HfGpt2Config.read(exported.resolve("config.json")).tiedHead()).isFalse();
    }

    @Test
    void missingExtraAndMisshapedTensorsAreAllNamed() throws IOException {
        StateDict hf = TinyGpt2.hfWeights(C, 4);
        hf.remove("h.1.ln_2.bias");
        hf.put(NamedTensor.of("h.0.attn.rotary", new float[3], 3));
        hf.remove("h.0.mlp.c_fc.weight");
        hf.put(NamedTensor.of("h.0.mlp.c_fc.weight", new float[4 * E * E], 4 * E, E));
        Path d = writeHf("bad", hf, C);
        assertThatThrownBy(() -> HfGpt2Layout.load(d))
                .hasMessageContaining("model.safetensors does not match GPT-2")
                .hasMessageContaining("missing (1): h.1.ln_2.bias [8]")
                .hasMessageContaining("unknown (1): h.0.attn.rotary [3]")
                .hasMessageContaining("wrong shape (1): h.0.mlp.c_fc.weight expected [8, 32] but is [32, 8]");
    }

    @Test
    void configMismatchIsReportedAgainstTheFile() throws IOException {
        HfGpt2Config threeLayers = new HfGpt2Config(50, 16, 8, 3, 2, 1e-5, true);
        Path d = writeHf("mismatch", TinyGpt2.hfWeights(C, 5), threeLayers);
        assertThatThrownBy(() -> HfGpt2Layout.load(d))
                .hasMessageContaining("missing (12): h.2.ln_1.weight [8]")
                .hasMessageContaining("Check that config.json belongs to these weights");
    }

    @Test
    void exportChecksOurNamesToo() {
        StateDict ours = new StateDict().put(NamedTensor.of("tok_emb.weight", new float[50 * 8], 50, 8));
        assertThatThrownBy(() -> HfGpt2Layout.toHuggingFace(ours, C))
                .hasMessageContaining("state dict does not match")
                .hasMessageContaining("pos_emb.weight [16, 8]");
    }

    @Test
    void configJsonFallsBackToNctxAndValidates() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"model_type\":\"gpt2\",\"vocab_size\":50257,\"n_ctx\":1024,\"n_embd\":768,\"n_layer\":12,\"n_head\":12}");
        assertThat(HfGpt2Config.read(f)).isEqualTo(HfGpt2Config.preset("gpt2-small"));
        Files.writeString(f, "{\"vocab_size\":50257,\"n_positions\":1024,\"n_embd\":770,\"n_layer\":12,\"n_head\":12}");
        assertThatThrownBy(() -> HfGpt2Config.read(f)).hasMessageContaining("embDim (n_embd) = 770 must be a multiple of nHeads (n_head) = 12");
        Files.writeString(f, "{\"vocab_size\":50257,\"n_embd\":768,\"n_layer\":12,\"n_head\":12}");
        assertThatThrownBy(() -> HfGpt2Config.read(f)).hasMessageContaining("missing field 'n_ctx'");
        assertThatThrownBy(() -> new HfGpt2Config(0, 1, 1, 1, 1, 1e-5, true)).hasMessageContaining("vocabSize (vocab_size) = 0 must be >= 1");
    }

    @Test
    void activationFunctionRoundTripsAndUnknownOnesAreNamed() throws IOException {
        Path f = dir.resolve("config.json");
        HfGpt2Config exact = new HfGpt2Config(40, 10, 16, 2, 4, 1e-5, true, org.llmworkbench.model.GptConfig.Activation.GELU);
        exact.write(f);
        assertThat(Files.readString(f)).contains("\"activation_function\" : \"gelu\"");
        assertThat(HfGpt2Config.read(f)).isEqualTo(exact);
        assertThat(HfGpt2Config.read(f).withTiedHead(false).activation()).isEqualTo(org.llmworkbench.model.GptConfig.Activation.GELU);
        // absent: transformers' GPT2Config default, gelu_new (tanh); the 7-argument constructor means the same
        HfGpt2Config tanh = new HfGpt2Config(40, 10, 16, 2, 4, 1e-5, true);
        assertThat(tanh.activation()).isEqualTo(org.llmworkbench.model.GptConfig.Activation.GELU_TANH);
        tanh.write(f);
        assertThat(Files.readString(f)).contains("\"activation_function\" : \"gelu_new\"");
        Files.writeString(f, "{\"vocab_size\":40,\"n_positions\":10,\"n_embd\":16,\"n_layer\":2,\"n_head\":4}");
        assertThat(HfGpt2Config.read(f)).isEqualTo(tanh);
        Files.writeString(f, "{\"vocab_size\":40,\"n_positions\":10,\"n_embd\":16,\"n_layer\":2,\"n_head\":4,"
                + "\"activation_function\":\"gelu_pytorch_tanh\"}");
        assertThat(HfGpt2Config.read(f)).isEqualTo(tanh);
        Files.writeString(f, "{\"vocab_size\":40,\"n_positions\":10,\"n_embd\":16,\"n_layer\":2,\"n_head\":4,"
                + "\"activation_function\":\"relu\"}");
        assertThatThrownBy(() -> HfGpt2Config.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("activation_function")
                .hasMessageContaining("'relu'").hasMessageContaining("gelu_new");
        Files.writeString(f, "{\"vocab_size\":40,\"n_positions\":10,\"n_embd\":16,\"n_layer\":2,\"n_head\":4,"
                + "\"activation_function\":3}");
        assertThatThrownBy(() -> HfGpt2Config.read(f)).hasMessageContaining(f.toString())
                .hasMessageContaining("'activation_function' = 3 is not a string");
    }

    @Test
    void expectedShapesGiveTheKnownGpt2ParameterCounts() {
        // Hugging Face's published counts (tied head, q/k/v bias); + V×E for a separate head
        Map<String, Long> expected = Map.of("gpt2-small", 124_439_808L, "gpt2-medium", 354_823_168L,
                "gpt2-large", 774_030_080L, "gpt2-xl", 1_557_611_200L);
        expected.forEach((name, count) -> {
            HfGpt2Config c = HfGpt2Config.preset(name);
            assertThat(count(HfGpt2Layout.hfShapes(c))).as(name).isEqualTo(count);
            assertThat(count(HfGpt2Layout.workbenchShapes(c))).as(name).isEqualTo(count);
        });
        HfGpt2Config small = HfGpt2Config.preset("gpt2-small").withTiedHead(false);
        assertThat(count(HfGpt2Layout.workbenchShapes(small))).isEqualTo(124_439_808L + 50257L * 768);
    }

    private static long count(Map<String, long[]> shapes) {
        return shapes.entrySet().stream().mapToLong(e -> NamedTensor.numel(e.getValue(), e.getKey())).sum();
    }
}
