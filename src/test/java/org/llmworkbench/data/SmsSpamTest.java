package org.llmworkbench.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.text.Tokenizers;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class SmsSpamTest {

    static Path realFile() {
        Path dir = Datasets.dataDir();
        assumeThat(dir).as("WORKBENCH_DATA_DIR points at the real datasets").isNotNull();
        Path file = dir.resolve("SMSSpamCollection");
        assumeThat(file).exists();
        return file;
    }

    @Test
    void readsEveryLineBalancesAndSplitsLikeTheBook(@TempDir Path tmp) {
        Table all = SmsSpam.read(realFile());
        assertThat(all.rowCount()).isEqualTo(5_574);
        Table counts = SmsSpam.classCounts(all);
        assertThat(counts.stringColumn("label").asList()).containsExactly("ham", "spam");
        assertThat(counts.intColumn("count").asList()).containsExactly(4_827, 747);
        // a message that starts with a quote stays one message (pandas would merge it with the next lines)
        assertThat(all.stringColumn("text").asList()).anySatisfy(t -> assertThat(t).startsWith("\""));

        Table balanced = SmsSpam.balance(all, 123);
        assertThat(SmsSpam.classCounts(balanced).intColumn("count").asList()).containsExactly(747, 747);
        assertThat(new HashSet<>(balanced.stringColumn("text").asList()).size()).isGreaterThan(1_300); // no row drawn twice (few duplicate texts exist)
        assertThat(SmsSpam.balance(all, 123).stringColumn("text").asList()).isEqualTo(balanced.stringColumn("text").asList());
        assertThat(SmsSpam.balance(all, 124).stringColumn("text").asList()).isNotEqualTo(balanced.stringColumn("text").asList());

        SmsSpam.Split split = SmsSpam.split(balanced, 0.7, 0.1, 123);
        assertThat(split.train().rowCount()).isEqualTo(1_045);
        assertThat(split.validation().rowCount()).isEqualTo(149);
        assertThat(split.test().rowCount()).isEqualTo(300);
        int spam = 0;
        for (Table t : List.of(split.train(), split.validation(), split.test())) {
            int inPart = 0;
            for (int id : SmsSpam.labelIds(t)) inPart += id;
            // shuffled before the cut: every part holds both classes in about equal numbers
            assertThat(inPart).as(t.name()).isBetween((int) (t.rowCount() * 0.4), (int) (t.rowCount() * 0.6));
            spam += inPart;
        }
        assertThat(spam).isEqualTo(747);
        int[] first20 = java.util.Arrays.copyOf(SmsSpam.labelIds(split.train()), 20);
        assertThat(java.util.Arrays.stream(first20).sum()).isBetween(3, 17);

        split.save(tmp);
        assertThat(tmp.resolve("train.csv")).exists();
        SmsSpam.Split back = SmsSpam.Split.load(tmp);
        assertThat(back.test().stringColumn("text").asList()).isEqualTo(split.test().stringColumn("text").asList());
        assertThat(back.train().stringColumn("label").asList()).isEqualTo(split.train().stringColumn("label").asList());
        assertThat(SmsSpam.texts(back.train())).isEqualTo(SmsSpam.texts(split.train()));
    }

    @Test
    void aMalformedLineFailsNamingFileAndLine(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("spam.txt");
        Files.writeString(file, "ham\thello\nspam\tWIN now\neggs and ham\n");
        assertThatThrownBy(() -> SmsSpam.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file + ":3").hasMessageContaining("eggs and ham");
        assertThatThrownBy(() -> SmsSpam.Split.load(tmp.resolve("nowhere")))
                .hasMessageContaining("train.csv").hasMessageContaining("does not exist");
        Files.writeString(tmp.resolve("train.csv"), "label,text\n\"ham\",\"fine\"\n\"spam\",\"cut off");
        assertThatThrownBy(() -> SmsSpam.Split.load(tmp)).hasMessageContaining("train.csv:3").hasMessageContaining("not closed");
    }

    @Test
    void collatePadsToTheLongestRowCapsAtMaxLengthAndKeepsTrueLengths() {
        List<int[]> tokens = List.of(new int[]{1, 2, 3}, new int[]{4}, new int[]{5, 6, 7, 8, 9, 10});
        ClassificationDataset data = new ClassificationDataset(tokens, new int[]{0, 1, 1}, 50256, 5);
        ClassificationBatch b = data.collate(new int[]{0, 1});
        assertThat(b.ids()).isDeepEqualTo(new int[][]{{1, 2, 3}, {4, 50256, 50256}});
        assertThat(b.lengths()).containsExactly(3, 1);
        assertThat(b.labels()).containsExactly(0, 1);
        ClassificationBatch c = data.collate(new int[]{2, 1});
        assertThat(c.ids()).isDeepEqualTo(new int[][]{{5, 6, 7, 8, 9}, {4, 50256, 50256, 50256, 50256}});
        assertThat(c.lengths()).containsExactly(5, 1);
        assertThat(data.truncatedCount()).isEqualTo(1);
        assertThat(data.longest()).isEqualTo(6);

        assertThat(data.batchCount(2, true)).isEqualTo(1);
        assertThat(data.batchCount(2, false)).isEqualTo(2);
        List<Integer> first = labelsOf(data.batches(1, true, false, 9, 0));
        assertThat(labelsOf(data.batches(1, true, false, 9, 0))).isEqualTo(first);
        Set<String> orders = new HashSet<>();
        for (int e = 0; e < 8; e++) orders.add(rowsOf(data.batches(1, true, false, 9, e)).toString());
        assertThat(orders.size()).isGreaterThan(1);
        assertThat(rowsOf(data.batches(3, false, false, 9, 0)).toString()).isEqualTo("[1, 4, 5]");

        assertThatThrownBy(() -> new ClassificationDataset(List.of(new int[0]), new int[]{0}, 0, 4))
                .hasMessageContaining("example 0 has no tokens");
        assertThatThrownBy(() -> ClassificationDataset.encode(Tokenizers.gpt2(), List.of("hi", " "), new int[]{0, 1}, 50256, 8))
                .hasMessageContaining("text 1 is empty");
    }

    @Test
    void bookSplitMessagesFitGpt2sContextAfterEncoding() {
        realFile();
        SmsSpam.Split split = SmsSpam.bookSplit(123);
        ClassificationDataset train = ClassificationDataset.encode(Tokenizers.gpt2(), SmsSpam.texts(split.train()),
                SmsSpam.labelIds(split.train()), 50256, 1024);
        assertThat(train.size()).isEqualTo(1_045);
        assertThat(train.longest()).isBetween(50, 1024); // the book's longest training message has 120 tokens
        assertThat(train.truncatedCount()).isZero();
        ClassificationBatch first = train.batches(8, true, true, 123, 0).next();
        assertThat(first.size()).isEqualTo(8);
        assertThat(first.sequenceLength()).isEqualTo(java.util.Arrays.stream(first.lengths()).max().orElseThrow());
    }

    private static List<Integer> labelsOf(Iterator<ClassificationBatch> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(b -> {
            for (int l : b.labels()) out.add(l);
        });
        return out;
    }

    private static List<Integer> rowsOf(Iterator<ClassificationBatch> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(b -> {
            for (int[] r : b.ids()) out.add(r[0]);
        });
        return out;
    }
}
