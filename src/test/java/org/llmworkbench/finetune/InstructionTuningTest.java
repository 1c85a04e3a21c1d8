package org.llmworkbench.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.data.InstructionPrompts.Example;
import org.llmworkbench.data.ModelResponse;
import org.llmworkbench.data.ResponsesFile;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.model.GenerationConfig;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.train.ModelRecipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InstructionTuningTest {
    static final GptConfig SMALL = new GptConfig(GptConfig.GPT2_VOCAB, 128, 32, 1, 2, 0.0, false, false);

    @Test
    void tuningLowersTheValidationLossAndTheModelSavesAndLoads(@TempDir Path dir) throws IOException {
        BpeTokenizer gpt2 = org.llmworkbench.text.Tokenizers.gpt2();
        InstructionData.Split<Example> all = InstructionData.split(InstructionData.load());
        var split = new InstructionData.Split<>(all.train(), all.test(), all.validation().subList(0, 8));
        InstructionTuning settings = InstructionTuning.workshop().withTrainLimit(32).withLearningRate(1e-2)
                .withEval(3, 2).withEpochs(1);
        try (GptModel base = GptModel.create(SMALL, 5)) {
            float[] before = base.parameters().get("tok_emb.weight").toFloatArray();
            InstructionTuning.Result r = settings.run(base, gpt2, "tiny", split, dir.resolve("run"), List.of());
            try (GptModel tuned = r.tuned().model()) {
                assertThat(r.training().steps()).isEqualTo(4); // 32 examples / batch 8, one epoch
                assertThat(r.baseValLoss()).isBetween(10.0, 11.5); // ln 50257 = 10.82
                assertThat(r.valLoss()).isLessThan(r.baseValLoss() - 0.5);
                assertThat(r.countedFraction()).isBetween(0.5, 1.0);
                assertThat(r.training().tokensPerSecond()).isPositive();
                // (Arrays.equals: AssertJ's containsExactly diffs 1.6 M floats quadratically)
                assertThat(java.util.Arrays.equals(base.parameters().get("tok_emb.weight").toFloatArray(), before)).isTrue();
                assertThat(dir.resolve("run/metrics.csv")).exists();

                Path saved = dir.resolve("model");
                r.tuned().save(saved, Map.of("val_loss", r.valLoss()));
                assertThat(saved.resolve("config.json")).exists();
                assertThat(saved.resolve("model.safetensors")).exists();
                JsonNode meta = InstructionModel.readInfo(saved);
                assertThat(meta.at("/extra/prompt_format").asText()).isEqualTo("alpaca");
                assertThat(meta.at("/tokenizer/type").asText()).isEqualTo("gpt2");
                assertThat(meta.at("/extra/name").asText()).isEqualTo("tiny+instruct-workshop");
                assertThat(meta.at("/extra/val_loss").asDouble()).isEqualTo(r.valLoss());
                InstructionModel loaded = InstructionModel.load(saved, null, 0.0);
                try (GptModel again = loaded.model(); NDManager m = NDManager.newBaseManager()) {
                    NDArray ids = m.create(new long[] {15496, 11, 466, 345}, new Shape(1, 4));
                    float[] a = tuned.forward(ids).toFloatArray();
                    float[] b = again.forward(ids).toFloatArray();
                    assertThat(b[100]).isCloseTo(a[100], within(1e-4f));
                    assertThat(b[b.length - 1]).isCloseTo(a[a.length - 1], within(1e-4f));
                    assertThat(loaded.format()).isEqualTo(Format.ALPACA);
                }
            }
        }
    }

    @Test
    void aCachedTunedModelIsReusedOnlyWhenItsRecipeIsTheOneAskedFor(@TempDir Path cache) throws IOException {
        String old = System.getProperty("workbench.cache.dir");
        System.setProperty("workbench.cache.dir", cache.toString());
        try {
            Path dir = InstructionTuning.cachedModelDir("workshop-base-smoke");
            InstructionTuning eight = InstructionTuning.workshop().withTrainLimit(8).withBatchSize(4).withEpochs(1).withEval(0, 0);
            java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
            float[] first;
            try (InstructionModel m = eight.loadOrTune(dir, "workshop-base-smoke", new java.io.PrintStream(log, true))) {
                assertThat(log.toString()).contains("none in " + dir + " yet; tuning workshop-base-smoke");
                first = m.model().parameters().get("tok_emb.weight").toFloatArray();
            }
            ModelRecipe recorded = ModelRecipe.recorded(dir).orElseThrow();
            assertThat(recorded.entries()).containsKeys("kind", "llm-workbench", "numerics", "settings", "train", "base weights sha256");
            assertThat(recorded.entries().get("settings")).contains("trainLimit=8");
            assertThat(recorded.entries().get("train")).contains("weightDecay=0.1, decay=ALL"); // decays every parameter, as the book

            log.reset();
            try (InstructionModel m = eight.loadOrTune(dir, "workshop-base-smoke", new java.io.PrintStream(log, true))) {
                assertThat(log.toString()).contains("instruction-tuned model: workshop-base-smoke+instruct-workshop from " + dir)
                        .doesNotContain("tuning");
                assertThat(java.util.Arrays.equals(m.model().parameters().get("tok_emb.weight").toFloatArray(), first)).isTrue();
            }

            // other settings: tuned again, and the log names what differs
            log.reset();
            InstructionTuning twelve = eight.withTrainLimit(12);
            try (InstructionModel m = twelve.loadOrTune(dir, "workshop-base-smoke", new java.io.PrintStream(log, true))) {
                assertThat(log.toString()).contains("does not fit: it was trained with another recipe (settings: ")
                        .contains("trainLimit=8").contains("trainLimit=12").contains("tuning workshop-base-smoke again");
            }
            assertThat(ModelRecipe.recorded(dir).orElseThrow().entries().get("settings")).contains("trainLimit=12");

            // a model saved before recipes were recorded is not trusted either
            String json = Files.readString(dir.resolve("workbench.json"));
            Files.writeString(dir.resolve("workbench.json"), json.replace("\"recipe\"", "\"no_recipe\""));
            log.reset();
            try (InstructionModel m = twelve.loadOrTune(dir, "workshop-base-smoke", new java.io.PrintStream(log, true))) {
                assertThat(log.toString()).contains("does not fit: it records no recipe");
            }
        } finally {
            if (old == null) System.clearProperty("workbench.cache.dir"); else System.setProperty("workbench.cache.dir", old);
        }
    }

    @Test
    void responsesAreSavedInTheEvaluationFormat(@TempDir Path dir) throws IOException {
        BpeTokenizer gpt2 = org.llmworkbench.text.Tokenizers.gpt2();
        InstructionData.Split<Example> split = InstructionData.split(InstructionData.load());
        try (GptModel model = GptModel.create(SMALL, 5)) {
            List<ModelResponse> zero = Responses.generate(model, gpt2, Format.ALPACA, split.test().subList(0, 2),
                    GenerationConfig.greedy(4), "tiny", null, 0, 0, null);
            List<ModelResponse> few = Responses.generate(model, gpt2, Format.PHI3, split.test().subList(0, 2),
                    GenerationConfig.greedy(4), "tiny", split.train(), 2, 9, null);
            Path file = dir.resolve("out/responses.json");
            ResponsesFile.write(file, zero);
            JsonNode json = new ObjectMapper().readTree(Files.readString(file));
            assertThat(json.size()).isEqualTo(2);
            JsonNode first = json.get(0);
            assertThat(first.get("instruction").asText()).isEqualTo(split.test().get(0).instruction());
            assertThat(first.get("reference").asText()).isEqualTo(split.test().get(0).output());
            assertThat(first.get("model").asText()).isEqualTo("tiny");
            assertThat(first.get("prompt_format").asText()).isEqualTo("alpaca");
            assertThat(first.get("generation").get("strategy").asText()).isEqualTo("greedy");
            assertThat(first.get("generation").get("max_new_tokens").asInt()).isEqualTo(4);
            assertThat(first.has("response")).isTrue();
            // greedy is deterministic: the saved answer is what the model says again
            assertThat(first.get("response").asText()).isEqualTo(Responses.respond(model, gpt2, Format.ALPACA,
                    split.test().get(0).instruction(), split.test().get(0).input(), GenerationConfig.greedy(4)));
            assertThat(few.get(0).generation()).containsEntry("shots", 2).containsEntry("shot_seed", 9L)
                    .containsEntry("stop", List.of("<|endoftext|>", "a new section header after the answer",
                            "a phrase repeated 3 times in a row (kept once)"));
            assertThat(few.get(0).promptFormat()).isEqualTo("phi3");
        }
        assertThat(Responses.clean("  Paris.\n\n### Instruction:\nName a city")).isEqualTo("Paris.");
        assertThat(Responses.clean("Yes.<|user|>\nmore")).isEqualTo("Yes.");
        assertThat(Responses.clean("### Response:\nJane Austen.\n")).isEqualTo("Jane Austen.");
        assertThat(Responses.clean("### Response:\n### Response:\n")).isEmpty();
        // the header stop: a new section after some answer ends it; repeated headers before any answer do not
        assertThat(Responses.startsNextSection("Paris.\n\n### Instruction")).isTrue();
        assertThat(Responses.startsNextSection("Paris.\n### Response")).isTrue();
        assertThat(Responses.startsNextSection("Yes.\n<|user|>")).isTrue();
        assertThat(Responses.startsNextSection("### Response:\n### Response")).isFalse();
        assertThat(Responses.startsNextSection("\n\n### Instruction")).isFalse();
        assertThat(Responses.startsNextSection("Paris is the capital")).isFalse();
        // the repetition stop: a block repeated 3 times (8 for one token) is cut back to one copy
        assertThat(Responses.repeatedTail(List.of(5, 1, 2, 3, 1, 2, 3, 1, 2, 3))).isEqualTo(6);
        assertThat(Responses.repeatedTail(List.of(1, 2, 3, 1, 2, 3))).isZero();
        assertThat(Responses.repeatedTail(List.of(7, 7, 7, 7, 7))).isZero();
        assertThat(Responses.repeatedTail(List.of(7, 7, 7, 7, 7, 7, 7, 7))).isEqualTo(7);
        assertThat(Responses.repeatedTail(List.of(4, 5, 6, 7))).isZero();
        assertThatThrownBy(() -> InstructionModel.load(dir, null, 0)).hasMessageContaining("names no prompt format");
    }
}
