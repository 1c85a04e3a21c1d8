package org.llmworkbench.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.datasets.Datasets;

class BpeTrainerTest {

    static String verdict;
    static String shakespeare;

    @BeforeAll
    static void readTexts() throws IOException {
        verdict = Files.readString(Datasets.resolve("the-verdict"));
        shakespeare = Files.readString(Datasets.resolve("tinyshakespeare"));
    }

    @Test
    void incrementalTrainingLearnsTheSameMergesAsRecountingEverything() {
        BpeTokenizer trained = new BpeTrainer(new BpeTrainer.Config(420, List.of())).train(verdict);
        List<int[]> expected = naiveMerges(verdict, 420 - 256);
        assertThat(trained.merges().length).isEqualTo(expected.size());
        for (int k = 0; k < expected.size(); k++) {
            assertThat(trained.merges()[k]).as("merge %d", k).containsExactly(expected.get(k));
        }
        // "Ġ" + "t" style: the first merge of English text joins a space with a frequent letter
        assertThat(trained.token(256)).isEqualTo(" t");
    }

    @Test
    void trainsTinyShakespeareTo4096WithSpecialTokenAndRoundTrips() {
        List<BpeTrainer.Merge> seen = new ArrayList<>();
        BpeTokenizer bpe = new BpeTrainer(BpeTrainer.Config.of(4096)).train(shakespeare, seen::add);
        assertThat(bpe.vocabSize()).isEqualTo(4096);
        assertThat(bpe.mergeCount()).isEqualTo(4096 - 256 - 1);
        assertThat(seen).hasSize(4096 - 256 - 1);
        assertThat(seen.get(0).count()).isGreaterThanOrEqualTo(seen.get(seen.size() - 1).count());
        assertThat(bpe.specialTokens()).isEqualTo(Map.of("<|endoftext|>", 4095));
        int[] ids = bpe.encode(shakespeare);
        assertThat(bpe.decode(ids)).isEqualTo(shakespeare);
        double bytesPerToken = shakespeare.getBytes(StandardCharsets.UTF_8).length / (double) ids.length;
        // GPT-2 gets ~3.3 bytes/token on Shakespeare; a 4k vocabulary trained on the text itself does better than bytes by far
        assertThat(bytesPerToken).isBetween(3.0, 5.0);
        int[] small = bpe.truncate(512).encode(shakespeare);
        assertThat(small.length).isGreaterThan(ids.length);
        assertThat(bpe.encode("First Citizen:<|endoftext|>", Set.of("<|endoftext|>"))).endsWith(4095);
    }

    @Test
    void sameTextSameMerges() {
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Config(600, List.of()));
        assertThat(trainer.train(verdict).merges()).isDeepEqualTo(trainer.train(verdict).merges());
    }

    @Test
    void savesReadableFileAndLoadsTheSameTokenizer(@TempDir Path dir) throws IOException {
        BpeTokenizer bpe = new BpeTrainer(BpeTrainer.Config.of(1000)).train(verdict);
        Path file = dir.resolve("verdict-1000.bpe");
        bpe.save(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("#llm-workbench-bpe v1");
        assertThat(lines).contains("#special 999 <|endoftext|>", "Ġ t");
        assertThat(lines.stream().filter(l -> !l.startsWith("#"))).hasSize(1000 - 256 - 1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        BpeTokenizer loaded = BpeFiles.read(file);
        assertThat(loaded.vocabSize()).isEqualTo(1000);
        IdAssert.assertSameIds(loaded.encode(shakespeare), bpe.encode(shakespeare));
        IdAssert.assertSameIds(Tokenizers.forName(file.toString()).encode(verdict), bpe.encode(verdict));
    }

    @Test
    void malformedSavedFileNamesTheLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.bpe");
        Files.writeString(file, "#llm-workbench-bpe v1\nĠ t\nĠt he\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BpeFiles.read(file))
                .isInstanceOfSatisfying(TokenizerFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageContaining("bad.bpe:3").hasMessageContaining("'he'");
        Files.writeString(file, "hello\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BpeFiles.read(file)).hasMessageContaining("bad.bpe:1").hasMessageContaining("header");
    }

    @Test
    void aSavedFileCutShortIsRefusedNotReadAsASmallerTokenizer(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("verdict-300.bpe");
        new BpeTrainer(BpeTrainer.Config.of(300)).train(verdict).save(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).contains("#vocab-size 300");
        Path cut = dir.resolve("cut.bpe");
        Files.write(cut, lines.subList(0, 30), StandardCharsets.UTF_8);
        int declaredOn = lines.indexOf("#vocab-size 300") + 1;
        assertThatThrownBy(() -> BpeFiles.read(cut))
                .isInstanceOfSatisfying(TokenizerFileException.class, e -> assertThat(e.line()).isEqualTo(declaredOn))
                .hasMessageContaining("cut.bpe:" + declaredOn)
                .hasMessageContaining("declares a vocabulary of 300 but holds " + (30 - declaredOn - 1) + " merges and 1 special tokens");
        assertThat(BpeFiles.read(file).vocabSize()).isEqualTo(300);
    }

    @Test
    void aMissingTokenizerFileIsNamedAsMissingAnUnknownNameAsUnknown(@TempDir Path dir) {
        Path missing = dir.resolve("nope.bpe");
        assertThatThrownBy(() -> Tokenizers.forName(missing.toString()))
                .hasMessageStartingWith("tokenizer file " + missing + " does not exist: use gpt2, or the path");
        assertThatThrownBy(() -> Tokenizers.forName(dir.toString())).hasMessageStartingWith("tokenizer file " + dir + " is not a file");
        assertThatThrownBy(() -> Tokenizers.forName("cl100k_base")).hasMessageStartingWith("unknown encoding 'cl100k_base'");
        // one id has no position; a sequence names it
        assertThatThrownBy(() -> Tokenizers.gpt2().token(99999)).hasMessage("token id 99999 is not in the vocabulary of gpt2 (ids 0..50256)");
        assertThatThrownBy(() -> Tokenizers.gpt2().decode(new int[] {1, 99999})).hasMessageStartingWith("token id 99999 at position 1 ");
    }

    @Test
    void configRefusesImpossibleSizes() {
        assertThatThrownBy(() -> new BpeTrainer.Config(200, List.of()))
                .hasMessageContaining("vocabSize").hasMessageContaining("256");
        assertThatThrownBy(() -> new BpeTrainer.Config(256, List.of("<|endoftext|>")))
                .hasMessageContaining("vocabSize must be in 257..");
        assertThatThrownBy(() -> new BpeTrainer.Config(300, List.of("<|a|>", "<|a|>"))).hasMessageContaining("distinct");
    }

    /** Reference: recount every pair of every word before each merge. Slow, obviously right. */
    static List<int[]> naiveMerges(String text, int count) {
        Map<String, Long> freq = new HashMap<>();
        for (String w : Gpt2PreTokenizer.split(text)) freq.merge(w, 1L, Long::sum);
        List<List<Integer>> words = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        freq.forEach((w, f) -> {
            List<Integer> s = new ArrayList<>();
            for (byte b : w.getBytes(StandardCharsets.UTF_8)) s.add(b & 0xFF);
            words.add(s);
            weights.add(f);
        });
        List<int[]> merges = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            Map<List<Integer>, Long> pairs = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<Integer> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) pairs.merge(List.of(s.get(i), s.get(i + 1)), weights.get(w), Long::sum);
            }
            List<Integer> best = null;
            long bestCount = 0;
            for (Map.Entry<List<Integer>, Long> e : pairs.entrySet()) {
                List<Integer> p = e.getKey();
                long c = e.getValue();
                if (best == null || c > bestCount || (c == bestCount && (p.get(0) < best.get(0)
                        || (p.get(0).equals(best.get(0)) && p.get(1) < best.get(1))))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null) break;
            int id = 256 + m;
            merges.add(new int[] {best.get(0), best.get(1)});
            for (List<Integer> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(best.get(0)) && s.get(i + 1).equals(best.get(1))) {
                        s.set(i, id);
                        s.remove(i + 1);
                    }
                }
            }
        }
        return merges;
    }
}
