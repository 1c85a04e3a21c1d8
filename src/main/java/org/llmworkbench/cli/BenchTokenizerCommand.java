package org.llmworkbench.cli;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.text.Tokenizers;
import org.llmworkbench.text.BpeTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench bench tokenizer}: encode the same corpus with our GPT-2 BPE and with jtokkit
 * (r50k_base, the reference) in one JVM, check the ids are identical, and report MB/s for both.
 * jtokkit is used here only, as the yardstick. Optionally also times the BPE trainer.
 */
@Command(name = "tokenizer",
        mixinStandardHelpOptions = true,
        description = "GPT-2 BPE encoding throughput, ours vs jtokkit (MB = 10^6 bytes of UTF-8); ends with one JSON line.")
public final class BenchTokenizerCommand implements Callable<Integer> {

    @Option(names = "--corpus", description = "UTF-8 text file (default: the tinyshakespeare dataset).")
    Path corpus;

    @Option(names = "--min-mb", defaultValue = "5", description = "Repeat the corpus until it has at least this many MB. Default: ${DEFAULT-VALUE}")
    double minMb;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed passes over the corpus per encoder first. Default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed passes per encoder (alternating); the median is reported. Default: ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--train-vocab", defaultValue = "4096", description = "Also time training a BPE of this size on tinyshakespeare (0: skip). Default: ${DEFAULT-VALUE}")
    int trainVocab;

    @Override
    public Integer call() throws Exception {
        if (minMb <= 0 || warmup < 0 || rounds < 1) throw new IllegalArgumentException("need --min-mb > 0, --warmup >= 0, --rounds >= 1");
        Path source = corpus != null ? corpus : Datasets.resolve("tinyshakespeare");
        String one = Files.readString(source, StandardCharsets.UTF_8);
        if (one.isEmpty()) throw new IllegalArgumentException(source + " is empty; the benchmark needs text");
        int oneBytes = one.getBytes(StandardCharsets.UTF_8).length;
        int copies = (int) Math.max(1, Math.ceil(minMb * 1e6 / oneBytes));
        String text = one.repeat(copies);
        long bytes = (long) oneBytes * copies;
        System.out.printf("corpus: %s x %d = %.2f MB%n", source.getFileName(), copies, bytes / 1e6);

        BpeTokenizer ours = Tokenizers.gpt2();
        Encoding jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

        int[] ourIds = null;
        int[] refIds = null;
        for (int i = 0; i < warmup; i++) {
            ourIds = ours.encodeOrdinary(text);
            refIds = jtokkit.encodeOrdinary(text).toArray();
        }
        double[] ourSeconds = new double[rounds];
        double[] refSeconds = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            ourIds = ours.encodeOrdinary(text);
            long t1 = System.nanoTime();
            refIds = jtokkit.encodeOrdinary(text).toArray();
            long t2 = System.nanoTime();
            ourSeconds[r] = (t1 - t0) / 1e9;
            refSeconds[r] = (t2 - t1) / 1e9;
        }
        boolean identical = Arrays.equals(ourIds, refIds);
        double ourMbs = bytes / 1e6 / median(ourSeconds);
        double refMbs = bytes / 1e6 / median(refSeconds);
        System.out.printf("ours (BpeTokenizer.gpt2):   %8.2f MB/s%n", ourMbs);
        System.out.printf("jtokkit 1.1.0 (r50k_base):  %8.2f MB/s%n", refMbs);
        System.out.printf("ratio ours/jtokkit:         %8.2f x   tokens: %,d   identical ids: %s%n", ourMbs / refMbs, ourIds.length, identical);

        JsonLine figures = JsonLine.startingWith("bench", "tokenizer")
                .put("corpus", source.getFileName().toString())
                .put("bytes", bytes)
                .put("tokens", ourIds.length)
                .put("warmup", warmup)
                .put("rounds", rounds)
                .put("ours_mb_per_s", round(ourMbs))
                .put("jtokkit_mb_per_s", round(refMbs))
                .put("ratio", round(ourMbs / refMbs))
                .put("identical_ids", identical);
        if (trainVocab > 0) {
            String shakespeare = Files.readString(Datasets.resolve("tinyshakespeare"), StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            BpeTokenizer trained = new BpeTrainer(BpeTrainer.Config.of(trainVocab)).train(shakespeare);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("trainer: tinyshakespeare to %d tokens in %.2f s%n", trained.vocabSize(), s);
            figures.put("train_vocab", trained.vocabSize());
            figures.put("train_seconds", round(s));
        }
        figures.put("java", System.getProperty("java.version")).put("threads", 1).println(System.out);
        return identical ? 0 : 1;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
