package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.io.Safetensors;
import org.llmworkbench.text.CharTokenizer;
import org.llmworkbench.text.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainedModelTest {

    static float[] logits(GptModel model, long[] ids) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = scope.create(ids, new Shape(1, ids.length));
            return model.forward(x).toFloatArray();
        }
    }

    @ParameterizedTest
    @CsvSource({"false,false,gelu_new", "false,true,gelu_new", "true,false,gelu_new", "true,true,gelu_new",
            "false,true,gelu", "true,false,gelu"})
    void exportsToHuggingFaceLayoutAndLoadsBackWithIdenticalLogits(boolean qkvBias, boolean tied, String activation,
                                                                   @TempDir Path dir) throws IOException {
        GptConfig config = new GptConfig(300, 12, 16, 2, 2, 0.1, qkvBias, tied, GptConfig.Activation.fromHfName(activation));
        long[] ids = {1, 5, 299, 42, 7};
        try (GptModel model = GptModel.create(config, 3)) {
            float[] expected = logits(model, ids);
            new TrainedModel(model, Tokenizers.forName("gpt2"), "test").saveHuggingFace(dir.resolve("hf"), null);
            assertThat(dir.resolve("hf/config.json")).exists();
            Map<String, ?> names = Safetensors.read(dir.resolve("hf/model.safetensors")).asMap();
            // transformers' GPT-2 names: fused c_attn with its bias, Conv1D layout, lm_head only when untied
            assertThat(names).containsKeys("wte.weight", "wpe.weight", "h.0.attn.c_attn.weight", "h.0.attn.c_attn.bias",
                    "h.1.mlp.c_proj.weight", "ln_f.weight");
            assertThat(names.containsKey("lm_head.weight")).isEqualTo(!tied);
            var config2 = new ObjectMapper().readTree(dir.resolve("hf/config.json").toFile());
            assertThat(config2.get("n_embd").asInt()).isEqualTo(16);
            assertThat(config2.get("tie_word_embeddings").asBoolean()).isEqualTo(tied);
            assertThat(config2.get("activation_function").asText()).isEqualTo(activation);
            try (TrainedModel back = TrainedModel.fromHuggingFace(dir.resolve("hf"))) {
                assertThat(logits(back.model(), ids)).containsExactly(expected);
                assertThat(back.model().config().tiedHead()).isEqualTo(tied);
                assertThat(back.model().config().activation().hfName()).isEqualTo(activation);
            }
        }
    }

    @Test
    void aSaveReplacesOnlyAnEarlierSavedModelNeverOtherFiles(@TempDir Path dir) throws IOException {
        try (GptModel model = GptModel.create(new GptConfig(300, 12, 16, 1, 2, 0.0, false, true), 3)) {
            TrainedModel m = new TrainedModel(model, Tokenizers.forName("gpt2"), "test");
            Path run = Files.createDirectories(dir.resolve("run/checkpoints")).getParent();
            Files.writeString(run.resolve("notes.txt"), "mine");
            assertThatThrownBy(() -> m.saveHuggingFace(run, null)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot save a model to " + run + ": it holds other things (checkpoints, notes.txt)")
                    .hasMessageContaining(run.resolve("hf").toString());
            assertThat(Files.readString(run.resolve("notes.txt"))).isEqualTo("mine");
            assertThat(run.resolve("checkpoints")).isDirectory();
            assertThat(run.resolve("config.json")).doesNotExist();

            m.saveHuggingFace(run.resolve("hf"), null);
            long before = Files.size(run.resolve("hf/model.safetensors"));
            m.saveHuggingFace(run.resolve("hf"), null); // an earlier save is replaced
            assertThat(Files.size(run.resolve("hf/model.safetensors"))).isEqualTo(before);

            assertThatThrownBy(() -> TrainedModel.fromCheckpoint(run.resolve("hf")))
                    .hasMessageContaining("is a saved model folder").hasMessageContaining("TrainedModel.fromHuggingFace(dir)");
            Path file = Files.writeString(dir.resolve("a-file.txt"), "x");
            assertThatThrownBy(() -> m.saveHuggingFace(file.resolve("hf"), null))
                    .hasMessage("cannot save a model to " + file.resolve("hf") + ": " + file + " is a file, not a folder");
        }
    }

    @Test
    void aTrainingCheckpointRebuildsModelAndCharTokenizer(@TempDir Path dir) throws IOException {
        String text = "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer. ".repeat(6);
        PretrainPreset preset = PretrainPreset.named("shakespeare-char")
                .withModel(new GptConfig(65, 16, 16, 1, 2, 0.0, false, true))
                .withBatchSize(4).withStride(8)
                .withTrain(TrainConfig.builder().maxSteps(3).evalEvery(3).evalBatches(1).seed(1).build());
        Pretraining run = Pretraining.prepare(preset, List.of(text), Map.of());
        assertThat(run.tokenizer()).isInstanceOf(CharTokenizer.class);
        assertThat(run.modelConfig().vocabSize()).isEqualTo(run.tokenizer().vocabSize());
        long[] ids = {1, 2, 3};
        float[] expected;
        try (GptModel model = run.newModel()) {
            TrainResult r = run.trainer(model, dir, null).run();
            assertThat(r.checkpoint()).exists();
            expected = logits(model, ids);
        }
        try (TrainedModel back = TrainedModel.fromCheckpoint(dir)) {
            assertThat(logits(back.model(), ids)).containsExactly(expected);
            assertThat(back.tokenizer().decode(back.tokenizer().encode("to be"))).isEqualTo("to be");
        }
        assertThatThrownBy(() -> TrainedModel.fromCheckpoint(dir.resolve("nothing-here.json")))
                .hasMessageContaining("nothing-here.json");
    }

    @Test
    void checkpointMetaKeepsTheActivationAndOldCheckpointsMeanTanh(@TempDir Path dir) throws IOException {
        String text = "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer. ".repeat(6);
        PretrainPreset preset = PretrainPreset.named("shakespeare-char")
                .withModel(new GptConfig(65, 16, 16, 1, 2, 0.0, false, true).withActivation(GptConfig.Activation.GELU))
                .withBatchSize(4).withStride(8)
                .withTrain(TrainConfig.builder().maxSteps(2).evalEvery(2).evalBatches(1).seed(1).build());
        Pretraining run = Pretraining.prepare(preset, List.of(text), Map.of());
        assertThat(run.meta().path("model").path("activation").asText()).isEqualTo("gelu");
        long[] ids = {1, 2, 3, 4};
        float[] expected;
        Path checkpoint;
        try (GptModel model = run.newModel()) {
            checkpoint = run.trainer(model, dir, null).run().checkpoint();
            expected = logits(model, ids);
        }
        try (TrainedModel back = TrainedModel.fromCheckpoint(checkpoint)) {
            assertThat(back.model().config().activation()).isEqualTo(GptConfig.Activation.GELU);
            assertThat(logits(back.model(), ids)).containsExactly(expected);
        }
        // a checkpoint written before meta.model had "activation" was a tanh-GELU model
        ObjectMapper json = new ObjectMapper();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(checkpoint.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.path("meta").path("model")).remove("activation");
        Files.write(checkpoint, json.writeValueAsBytes(node));
        try (TrainedModel old = TrainedModel.fromCheckpoint(checkpoint)) {
            assertThat(old.model().config().activation()).isEqualTo(GptConfig.Activation.GELU_TANH);
            assertThat(logits(old.model(), ids)).isNotEqualTo(expected);
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.path("meta").path("model")).put("activation", "swish");
        Files.write(checkpoint, json.writeValueAsBytes(node));
        assertThatThrownBy(() -> TrainedModel.fromCheckpoint(checkpoint))
                .hasMessageContaining(checkpoint.getFileName().toString()).hasMessageContaining("'swish'");
    }

    @Test
    void shakespearePresetsUseNanoGptsExactGelu() {
        assertThat(PretrainPreset.named("shakespeare-char").model().activation()).isEqualTo(GptConfig.Activation.GELU);
        assertThat(PretrainPreset.named("shakespeare-bpe").model().activation()).isEqualTo(GptConfig.Activation.GELU);
        assertThat(PretrainPreset.named("workshop-base").model().activation()).isEqualTo(GptConfig.Activation.GELU_TANH);
    }

    @Test
    void workshopBaseSmokeIsTrainedOnceThenLoadedFromTheCache(@TempDir Path cache) throws IOException {
        String old = System.getProperty("workbench.cache.dir");
        System.setProperty("workbench.cache.dir", cache.toString());
        try {
            java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
            try (TrainedModel first = BaseModels.load("workshop-base-smoke", new java.io.PrintStream(log, true))) {
                assertThat(log.toString()).contains("pretraining it now");
                assertThat(first.source()).contains("pretrained by llm-workbench");
                assertThat(first.model().config().vocabSize()).isEqualTo(50_257);
            }
            assertThat(BaseModels.cached("workshop-base-smoke").resolve("model.safetensors")).exists();
            log.reset();
            try (TrainedModel second = BaseModels.load("workshop-base-smoke", new java.io.PrintStream(log, true))) {
                assertThat(log.toString()).doesNotContain("pretraining it now").contains("from " + cache);
            }
            // the cached model records its recipe; one trained with another recipe is trained again, not reused
            Path dir = BaseModels.cached("workshop-base-smoke");
            assertThat(ModelRecipe.recorded(dir)).contains(BaseModels.recipe("workshop-base-smoke"));
            Path info = dir.resolve("workbench.json");
            String json = Files.readString(info);
            assertThat(json).contains("\"llm-workbench\" : \"");
            Files.writeString(info, json.replace("\"llm-workbench\" : \"", "\"llm-workbench\" : \"old-"));
            log.reset();
            try (TrainedModel third = BaseModels.load("workshop-base-smoke", new java.io.PrintStream(log, true))) {
                assertThat(log.toString()).contains("does not fit: it was trained with another recipe (llm-workbench: old-")
                        .contains("pretraining it again");
            }
            assertThat(ModelRecipe.recorded(dir)).contains(BaseModels.recipe("workshop-base-smoke"));
            // no GPT-2 weights in the data dir and downloads off: the fallback says so
            log.reset();
            assertThat(Files.exists(org.llmworkbench.datasets.Datasets.dataDir() == null ? cache.resolve("none")
                    : org.llmworkbench.datasets.Datasets.dataDir().resolve("gpt2/model.safetensors"))).isFalse();
        } finally {
            if (old == null) System.clearProperty("workbench.cache.dir"); else System.setProperty("workbench.cache.dir", old);
        }
    }
}
