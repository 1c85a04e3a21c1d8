package org.llmworkbench.train;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.model.TensorMemory;
import org.llmworkbench.text.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelRecipeTest {
    static final GptConfig TINY = new GptConfig(GptConfig.GPT2_VOCAB, 16, 16, 1, 2, 0.0, true, true);

    @Test
    void differencesNameEachEntryWithTheCachedAndTheWantedValue() {
        ModelRecipe wanted = ModelRecipe.of("pretraining").with("lr", 1e-3).with("steps", 300);
        assertThat(wanted.entries()).containsKeys("kind", "llm-workbench", "numerics");
        assertThat(wanted.differences(wanted)).isEmpty();
        ModelRecipe cached = ModelRecipe.of("pretraining").with("lr", 2e-4).with("epochs", 2);
        assertThat(wanted.differences(cached)).containsExactly("lr: 2.0E-4 → 0.001", "steps: (none) → 300", "epochs: 2 → (none)");
    }

    @Test
    void theBaseModelsRecipeHoldsWhatDecidesItsWeightsButNotThePresetsWording() {
        PretrainPreset preset = PretrainPreset.named("workshop-base");
        ModelRecipe recipe = BaseModels.recipe("workshop-base");
        assertThat(recipe.entries()).containsEntry("preset", "workshop-base")
                .containsEntry("model", preset.model().toString())
                .containsEntry("training", preset.train().toString())
                .containsEntry("windows", "batch 8, stride 256, train ratio 0.95")
                .containsKeys("data tinyshakespeare", "data the-verdict");
        assertThat(recipe.entries().values()).noneMatch(v -> v.contains(preset.description()));
        assertThat(recipe.differences(BaseModels.recipe("workshop-base-smoke")))
                .anyMatch(d -> d.startsWith("model: GptConfig[vocabSize=50257, contextLength=128, embDim=32"));
    }

    @Test
    void theWeightsFingerprintFollowsTheValuesNotTheObject() {
        try (GptModel a = GptModel.create(TINY, 7); GptModel b = GptModel.create(TINY, 7); GptModel c = GptModel.create(TINY, 8)) {
            String sa = ModelRecipe.weightsSha256(a);
            assertThat(sa).matches("[0-9a-f]{64}");
            assertThat(ModelRecipe.weightsSha256(b)).isEqualTo(sa);
            assertThat(ModelRecipe.weightsSha256(c)).isNotEqualTo(sa);
            NDArray w = b.parameters().get("final_norm.scale");
            float[] values = w.toFloatArray();
            values[3] = Math.nextUp(values[3]); // one weight, one ulp
            TensorMemory.copyInto(w, values);
            assertThat(ModelRecipe.weightsSha256(b)).isNotEqualTo(sa);
        }
    }

    /** Read in place, the weights hash as they hashed when each parameter was copied out (caches stay valid). */
    @Test
    void theWeightsFingerprintReadInPlaceEqualsTheOneOfCopiedBytes() throws Exception {
        try (GptModel a = GptModel.create(TINY, 7)) {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (var p : a.parameters().entrySet()) {
                assertThat(TensorMemory.bytes(p.getValue())).as(p.getKey()).isNotNull();
                sha.update(p.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(p.getValue().getShape().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(p.getValue().toByteBuffer());
            }
            assertThat(ModelRecipe.weightsSha256(a)).isEqualTo(java.util.HexFormat.of().formatHex(sha.digest()));
        }
    }

    @Test
    void aSavedModelCarriesItsRecipe(@TempDir Path dir) throws IOException {
        ModelRecipe recipe = ModelRecipe.of("test").with("seed", 123);
        try (GptModel m = GptModel.create(TINY, 1)) {
            var extra = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            extra.set(ModelRecipe.FIELD, recipe.toJson());
            new TrainedModel(m, Tokenizers.gpt2(), "test").saveHuggingFace(dir.resolve("with"), extra);
            new TrainedModel(m, Tokenizers.gpt2(), "test").saveHuggingFace(dir.resolve("without"), null);
        }
        assertThat(ModelRecipe.recorded(dir.resolve("with"))).contains(recipe);
        assertThat(recipe.mismatch(dir.resolve("with"))).isEmpty();
        assertThat(recipe.with("seed", 124).mismatch(dir.resolve("with")))
                .isEqualTo("it was trained with another recipe (seed: 123 → 124)");
        assertThat(ModelRecipe.recorded(dir.resolve("without"))).isEmpty();
        assertThat(recipe.mismatch(dir.resolve("without"))).isEqualTo("it records no recipe");
    }
}
