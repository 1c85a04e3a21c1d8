package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.TorchTwin;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.CharTokenizer;
import org.llmworkbench.train.TrainedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

class ModelCommandsTest {

    @Test
    void generateWithPromptIdsEndsWithJsonAndCacheDoesNotChangeTokens() throws Exception {
        CliRun cached = CliRun.of("generate", "--model", "workshop-tiny", "--prompt-ids", "15496,11", "--max-tokens", "6");
        CliRun plain = CliRun.of("generate", "--model", "workshop-tiny", "--prompt-ids", "15496,11", "--max-tokens", "6", "--no-cache");
        assertThat(cached.code()).as(cached.err()).isZero();
        JsonNode a = cached.lastJson();
        JsonNode b = plain.lastJson();
        assertThat(a.get("new_tokens").asInt()).isEqualTo(6);
        assertThat(a.get("kv_cache").asBoolean()).isTrue();
        assertThat(a.get("device").asText()).isEqualTo("cpu");
        assertThat(b.get("kv_cache").asBoolean()).isFalse();
        assertThat(a.get("ids")).isEqualTo(b.get("ids"));
        // tokens/s is the new tokens over the whole generation time, prefill included
        double totalMs = a.get("total_ms").asDouble();
        assertThat(a.get("prefill_ms").asDouble()).isBetween(0.0, totalMs);
        assertThat(a.get("tokens_per_s").asDouble()).isCloseTo(6 / (totalMs / 1000), withinPercentage(5));
    }

    @Test
    void sampledGenerationIsSeeded() throws Exception {
        String[] args = {"generate", "--model", "workshop-tiny", "--prompt-ids", "1,2,3", "--max-tokens", "5",
                "--temperature", "1.5", "--top-k", "40", "--top-p", "0.9", "--seed", "9"};
        assertThat(CliRun.of(args).lastJson().get("ids")).isEqualTo(CliRun.of(args).lastJson().get("ids"));
    }

    @Test
    void aModelDirectoryIsReadWithTheTokenizerItsWorkbenchJsonNames(@TempDir Path dir) throws Exception {
        CharTokenizer chars = CharTokenizer.fromText("abcdefgh ");
        Path model = dir.resolve("char-model");
        try (TrainedModel m = new TrainedModel(GptModel.create(new GptConfig(chars.vocabSize(), 16, 16, 1, 2, 0.0, false, false), 5),
                chars, "a test model")) {
            m.saveHuggingFace(model, null);
        }
        CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "abc ba", "--max-new-tokens", "4", "--greedy");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = run.lastJson();
        assertThat(json.get("prompt_tokens").asInt()).as("one id per character, not GPT-2's 2 tokens").isEqualTo(6);
        assertThat(json.get("text").asText()).hasSize(4).matches("[a-h ]{4}");
        assertThat(run.lines().get(0)).startsWith("abc ba" + json.get("text").asText());

        Path text = Files.writeString(dir.resolve("t.txt"), "abba cafe bead dead face");
        CliRun ppl = CliRun.of("perplexity", "--model", model.toString(), "--text", text.toString());
        assertThat(ppl.code()).as(ppl.err()).isZero();
        assertThat(ppl.lastJson().get("tokens").asInt()).isEqualTo(23);   // 24 characters, each but the first predicted
        assertThat(ppl.lastJson().get("perplexity").asDouble()).as("a random model: near the 9-letter vocabulary").isBetween(4.0, 20.0);

        Files.writeString(model.resolve("workbench.json"), "{\"tokenizer\": {\"type\": \"char\",");
        CliRun broken = CliRun.of("generate", "--model", model.toString(), "--prompt", "ab");
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.err()).contains(model.resolve("workbench.json").toString()).contains("is not valid JSON");
    }

    @Test
    void badArgumentsFailWithAClearMessage() {
        CliRun greedyAndTemp = CliRun.of("generate", "--model", "workshop-tiny", "--prompt-ids", "1", "--greedy", "--temperature", "0.7");
        assertThat(greedyAndTemp.code()).isNotZero();
        assertThat(greedyAndTemp.err()).contains("--greedy cannot be combined");
        CliRun topKAlone = CliRun.of("generate", "--model", "workshop-tiny", "--prompt-ids", "1", "--top-k", "5");
        assertThat(topKAlone.code()).isNotZero();
        assertThat(topKAlone.err()).contains("--top-k and --top-p shape sampling: give --temperature too");
        CliRun unknown = CliRun.of("generate", "--model", "gpt9", "--prompt-ids", "1");
        assertThat(unknown.err()).contains("neither a preset").contains("gpt2-small");
        CliRun noGpu = CliRun.of("generate", "--model", "workshop-tiny", "--prompt-ids", "1", "--device", "tpu");
        assertThat(noGpu.err()).contains("device must be cpu, gpu or auto");
    }

    @Test
    void perplexityOfAnUntrainedModelIsNearTheVocabularySize(@TempDir Path dir) throws Exception {
        String text = Files.readString(Datasets.resolve("the-verdict"));
        IntArrayList ids = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE).encode(text);
        StringJoiner joined = new StringJoiner(" ");
        for (int i = 0; i < 300; i++) joined.add(String.valueOf(ids.get(i)));
        Path file = dir.resolve("verdict.ids");
        Files.writeString(file, joined.toString());
        CliRun r = CliRun.of("perplexity", "--model", "workshop-tiny", "--ids", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = r.lastJson();
        assertThat(json.get("tokens").asInt()).isEqualTo(299);
        assertThat(json.get("windows").asInt()).isEqualTo(3);
        assertThat(json.get("cross_entropy").asDouble()).isBetween(10.6, 11.1);
        assertThat(json.get("perplexity").asDouble()).isCloseTo(Math.exp(json.get("cross_entropy").asDouble()),
                org.assertj.core.data.Percentage.withPercentage(0.1));
    }

    @Test
    void textPromptsAndTextFilesGoThroughTheGpt2Tokenizer() throws Exception {
        CliRun byText = CliRun.of("generate", "--model", "workshop-tiny", "--prompt", "Hello, do you like tea?", "--max-tokens", "4");
        CliRun byIds = CliRun.of("generate", "--model", "workshop-tiny", "--prompt-ids", "15496,11,466,345,588,8887,30",
                "--max-tokens", "4");
        assertThat(byText.code()).as(byText.err()).isZero();
        assertThat(byText.lastJson().get("prompt_tokens").asInt()).isEqualTo(7);
        assertThat(byText.lastJson().get("ids")).isEqualTo(byIds.lastJson().get("ids"));
        assertThat(byText.out()).startsWith("Hello, do you like tea?");
        assertThat(byText.lastJson().get("text").asText()).isNotEmpty();

        CliRun perplexity = CliRun.of("perplexity", "--model", "workshop-tiny", "--text",
                Datasets.resolve("the-verdict").toString(), "--max-tokens", "200");
        assertThat(perplexity.code()).as(perplexity.err()).isZero();
        assertThat(perplexity.lastJson().get("tokens").asInt()).isEqualTo(199);
        assertThat(perplexity.lastJson().get("cross_entropy").asDouble()).isBetween(10.6, 11.1);
    }

    @Test
    void modelDirectoryLoadsAHuggingFaceCheckpoint(@TempDir Path dir) throws Exception {
        org.llmworkbench.model.GptConfig cfg = new org.llmworkbench.model.GptConfig(60, 16, 16, 2, 4, 0.1, true, true);
        int[] expected;
        try (org.llmworkbench.model.GptModel model = org.llmworkbench.model.GptModel.create(cfg, 5)) {
            org.llmworkbench.model.io.HfGpt2Layout.save(dir, org.llmworkbench.model.PretrainedGpt2.toCheckpoint(model));
            expected = org.llmworkbench.model.Generator.generate(model, new int[] {3, 4},
                    org.llmworkbench.model.GenerationConfig.greedy(5)).newTokens();
        }
        CliRun r = CliRun.of("generate", "--model", dir.toString(), "--prompt-ids", "3,4", "--max-tokens", "5");
        assertThat(r.code()).as(r.err()).isZero();
        int[] got = new int[5];
        for (int i = 0; i < 5; i++) got[i] = r.lastJson().get("ids").get(i).asInt();
        assertThat(got).containsExactly(expected);
    }

    /** PyTorch's twin decodes the very weights from the same prompt: greedy, it must pick the same tokens. */
    @Test
    void benchGenerateComparesWithPyTorchOnTheSameWeightsAndTokens() throws Exception {
        TorchTwin.assumeAvailable();
        CliRun r = CliRun.of("bench", "generate", "--models", "workshop-tiny", "--lengths", "12", "--cache-only", "--pytorch");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        JsonNode json = r.lastJson();
        assertThat(json.get("twin_blas").get("used").asText()).isNotBlank();
        JsonNode row = json.get("results").get(0);
        assertThat(row.get("same_leading_ids").asInt()).as("greedy ids of the twin").isEqualTo(12);
        assertThat(row.get("prompt_logits_max_abs_diff").asDouble()).as("the same forward pass in float32").isLessThan(1e-4);
        assertThat(row.get("ratio_vs_pytorch").asDouble())
                .isCloseTo(row.get("tokens_per_s").asDouble() / row.get("pytorch_tokens_per_s").asDouble(), withinPercentage(3));
        assertThat(r.out()).contains("the first 12 of 12 tokens are the same");
    }

    @Test
    void benchGenerateEndsWithOneJsonLineOfFigures() throws Exception {
        CliRun r = CliRun.of("bench", "generate", "--models", "workshop-tiny", "--lengths", "3,6");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = r.lastJson();
        assertThat(json.get("bench").asText()).isEqualTo("generate");
        assertThat(json.get("results")).hasSize(4);
        for (JsonNode row : json.get("results")) {
            assertThat(row.get("model").asText()).isEqualTo("workshop-tiny");
            // seconds and tokens/s describe the same run (each rounded to 0.01)
            double seconds = row.get("seconds").asDouble();
            assertThat(row.get("new_tokens").asInt() / row.get("tokens_per_s").asDouble())
                    .isCloseTo(seconds, within(0.006 + seconds / 100));
            assertThat(row.get("warmup_runs").asInt()).isBetween(2, 8);
        }
        assertThat(json.get("results").get(0).get("new_tokens").asInt()).isEqualTo(3);
        assertThat(json.get("results").get(0).get("kv_cache").asBoolean()).isTrue();
        assertThat(json.get("results").get(1).get("kv_cache").asBoolean()).isFalse();
        JsonNode cached = json.get("results").get(2);
        JsonNode uncached = json.get("results").get(3);
        assertThat(json.get("kv_cache_speedup").get("workshop-tiny@6").asDouble())
                .isCloseTo(cached.get("tokens_per_s").asDouble() / uncached.get("tokens_per_s").asDouble(), withinPercentage(5));
    }

    @Test
    void presetNoteNamesOpenAisFolderOnlyForGpt2Shapes() {
        assertThat(ModelOptions.presetNote("gpt2-small", 7)).isEqualTo("note: --model gpt2-small is a preset: random "
                + "weights (seed 7); for trained weights give a model folder (e.g. OpenAI's in $WORKBENCH_DATA_DIR/gpt2) "
                + "or workshop-base");
        assertThat(ModelOptions.presetNote("gpt2-medium", 123)).contains("OpenAI's in $WORKBENCH_DATA_DIR/gpt2-medium)");
        assertThat(ModelOptions.presetNote("workshop-small", 123)).doesNotContain("OpenAI")
                .contains("(e.g. a pretrain run's hf/) or workshop-base");
    }
}
