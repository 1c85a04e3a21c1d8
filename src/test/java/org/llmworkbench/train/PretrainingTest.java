package org.llmworkbench.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.model.GptConfig;
import org.llmworkbench.model.GptModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PretrainingTest {
    private static final String TEXT = "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer. ".repeat(6);

    /** shakespeare-char cut down to seconds: one block of width {@code width}, 16-token windows, a checkpoint every step. */
    private static PretrainPreset tiny(int width) {
        return PretrainPreset.named("shakespeare-char")
                .withModel(new GptConfig(65, 16, width, 1, 2, 0.0, false, true))
                .withBatchSize(4).withStride(8)
                .withTrain(TrainConfig.builder().maxSteps(2).evalEvery(2).evalBatches(1).checkpointEvery(1).seed(1).build());
    }

    private static Path train(Pretraining run, Path dir) {
        try (GptModel model = run.newModel()) {
            return run.trainer(model, dir, null).run().checkpoint();
        }
    }

    private static Map<Path, Long> sizesAndTimes(Path dir) throws IOException {
        Map<Path, Long> files = new LinkedHashMap<>();
        try (var all = Files.walk(dir)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                files.put(f, Files.size(f) * 31 + Files.getLastModifiedTime(f).toMillis());
            }
        }
        return files;
    }

    @Test
    void aFreshRunRefusesARunDirectoryWithCheckpointsAndChangesNothingThere(@TempDir Path dir) throws IOException {
        Pretraining run = Pretraining.prepare(tiny(16), List.of(TEXT), Map.of());
        train(run, dir);
        Map<Path, Long> before = sizesAndTimes(dir);
        assertThat(before).containsKeys(dir.resolve("checkpoints/step-00000001.json"), dir.resolve("checkpoints/step-00000002.json"));
        try (GptModel model = run.newModel()) {
            assertThatThrownBy(() -> run.trainer(model, dir, null)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.resolve("checkpoints").toString())
                    .hasMessageContaining("2 checkpoints (step-00000001.json to step-00000002.json)")
                    .hasMessageContaining("resume from one of them");
            assertThat(sizesAndTimes(dir)).isEqualTo(before);
            // resuming is what such a directory is for
            TrainConfig longer = run.preset().train().toBuilder().maxSteps(3).build();
            TrainResult r = run.trainer(model, longer, dir, new Checkpoints(dir).latest()).run();
            assertThat(r.steps()).isEqualTo(3);
        }
    }

    @Test
    void aCheckpointOfAnotherRunFailsNamingItAndWhatDiffers(@TempDir Path dir) throws IOException {
        Pretraining run = Pretraining.prepare(tiny(16), List.of(TEXT), Map.of("tinyshakespeare", "a".repeat(64)));
        Checkpoint checkpoint = Checkpoints.read(train(run, dir));
        assertThatCode(() -> run.checkResumable(checkpoint, run.modelConfig(), "fix it")).doesNotThrowAnyException();

        Pretraining wider = Pretraining.prepare(tiny(32), List.of(TEXT), Map.of("tinyshakespeare", "a".repeat(64)));
        try (GptModel model = wider.newModel()) {
            assertThatThrownBy(() -> wider.trainer(model, dir.resolve("other"), checkpoint)).isInstanceOf(CheckpointException.class)
                    .hasMessageStartingWith(checkpoint.json().toString())
                    .hasMessageContaining("was written by preset shakespeare-char (vocabulary " + run.tokenizer().vocabSize()
                            + ", 1 blocks × 16, context 16, tokenizer char, data tinyshakespeare)")
                    .hasMessageContaining("they differ in width 16 vs 32: resume with the preset, model shape, tokenizer and data");
        }
        assertThat(dir.resolve("other")).doesNotExist();

        Pretraining otherText = Pretraining.prepare(tiny(16), List.of(TEXT), Map.of("tinyshakespeare", "b".repeat(64)));
        assertThatThrownBy(() -> otherText.checkResumable(checkpoint, otherText.modelConfig(), "fix it"))
                .hasMessageContaining("they differ in data tinyshakespeare with other contents (another sha256): fix it");
        Pretraining otherName = Pretraining.prepare(tiny(16).withDatasets(List.of("the-verdict"), "char"), List.of(TEXT), Map.of());
        assertThatThrownBy(() -> otherName.checkResumable(checkpoint, otherName.modelConfig(), "fix it"))
                .hasMessageContaining("they differ in data tinyshakespeare vs the-verdict: fix it");
        Pretraining otherTokens = Pretraining.prepare(tiny(16), List.of(TEXT.toUpperCase()), Map.of("tinyshakespeare", "a".repeat(64)));
        assertThatThrownBy(() -> otherTokens.checkResumable(checkpoint, otherTokens.modelConfig(), "fix it"))
                .hasMessageContaining("tokenizer char with another vocabulary");
    }

    @Test
    void aModelThatDoesNotFitTheWindowsOrTheTokenizerIsRefusedAndOneThatFitsIsRecorded(@TempDir Path dir) throws IOException {
        Pretraining run = Pretraining.prepare(tiny(16), List.of(TEXT), Map.of());
        int vocab = run.tokenizer().vocabSize();
        assertThat(run.misfit(new GptConfig(vocab, 8, 16, 1, 2, 0.0, false, true)))
                .isEqualTo("the model's context length is 8 but preset shakespeare-char cuts the text into 16-token windows");
        assertThat(run.misfit(new GptConfig(vocab + 1, 16, 16, 1, 2, 0.0, false, true)))
                .isEqualTo("the model's vocabulary has " + (vocab + 1) + " tokens but the run's tokenizer (char) has " + vocab);
        try (GptModel shortContext = GptModel.create(new GptConfig(vocab, 8, 16, 1, 2, 0.0, false, true), 1)) {
            assertThatThrownBy(() -> run.trainer(shortContext, dir, null)).hasMessageContaining("does not fit this run")
                    .hasMessageContaining("context length is 8");
        }
        // a model of another width (continuing one of one's own) fits; its checkpoint records its own shape
        GptConfig wide = new GptConfig(vocab, 32, 24, 1, 2, 0.0, false, true);
        assertThat(run.misfit(wide)).isNull();
        Path json;
        try (GptModel model = GptModel.create(wide, 1)) {
            json = run.trainer(model, dir, null).run().checkpoint();
        }
        try (TrainedModel back = TrainedModel.fromCheckpoint(json)) {
            assertThat(back.model().config().embDim()).isEqualTo(24);
            assertThat(back.model().config().contextLength()).isEqualTo(32);
        }
    }

    @Test
    void aDataPathThatDoesNotExistIsNamedAsAFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> Pretraining.prepare(tiny(16).withDatasets(List.of(missing.toString()), "char")))
                .hasMessage("training text " + missing + " does not exist");
        assertThatThrownBy(() -> Pretraining.prepare(tiny(16).withDatasets(List.of(dir.toString()), "char")))
                .hasMessage("training text " + dir + " is not a file");
        assertThat(Pretraining.looksLikeAFile("notes.txt")).isTrue();
        assertThat(Pretraining.looksLikeAFile("data/notes")).isTrue();
        assertThat(Pretraining.looksLikeAFile("tinyshakespeare")).isFalse();
    }

    @Test
    void adjustedWidthsBringTheirOwnHeadCount() {
        PretrainPreset p = PretrainPreset.named("verdict-workshop");
        assertThat(p.model().nHeads()).isEqualTo(4);
        assertThat(p.adjusted(0, 42, 1).model().nHeads()).as("42 / 16 → 2 heads of 21").isEqualTo(2);
        assertThat(p.adjusted(0, 50, 1).model().nHeads()).as("3 does not divide 50: 2 heads of 25").isEqualTo(2);
        assertThat(p.adjusted(0, 256, 1).model().nHeads()).as("never more than the preset's").isEqualTo(4);
        assertThat(p.adjusted(0, 8, 1).model().nHeads()).isEqualTo(1);
        assertThat(p.adjusted(0, 42, 1).model().embDim()).isEqualTo(42);
        assertThat(p.adjusted(0, 0, 1).model()).isEqualTo(p.model());
    }
}
