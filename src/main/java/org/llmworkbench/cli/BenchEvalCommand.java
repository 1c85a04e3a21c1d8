package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.llmworkbench.Json;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.eval.Bleu;
import org.llmworkbench.eval.Rouge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code workbench bench eval}: how fast the text metrics are. Builds {@code --pairs} (reference,
 * response) pairs from the instruction dataset's answers, each response a seeded edit of another
 * answer's words mixed with its reference's, then times ROUGE-L and sentence BLEU of every pair plus
 * one corpus BLEU, on one thread, after a warm-up pass.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Throughput of ROUGE-L + BLEU over response pairs; ends with one JSON line.")
public final class BenchEvalCommand implements Callable<Integer> {

    @Option(names = "--pairs", defaultValue = "10000", description = "Response pairs to score. Default: ${DEFAULT-VALUE}")
    int pairs;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds; the median is reported. Default: ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--seed", defaultValue = "123", description = "Seed of the response edits. Default: ${DEFAULT-VALUE}")
    long seed;

    static final double TARGET_SECONDS = 2.0;

    @Override
    public Integer call() throws Exception {
        if (pairs < 1 || rounds < 1) throw new IllegalArgumentException("need --pairs >= 1 and --rounds >= 1");
        List<String> answers = new ArrayList<>();
        for (JsonNode record : Json.MAPPER.readTree(Datasets.resolve("instruction-data").toFile())) {
            String output = record.path("output").asText("");
            if (!output.isBlank()) answers.add(output);
        }
        Random random = new Random(seed);
        List<String> references = new ArrayList<>(pairs);
        List<String> responses = new ArrayList<>(pairs);
        long words = 0;
        for (int i = 0; i < pairs; i++) {
            String reference = answers.get(i % answers.size());
            references.add(reference);
            String response = edit(reference, answers.get(random.nextInt(answers.size())), random);
            responses.add(response);
            words += reference.split("\\s+").length + response.split("\\s+").length;
        }
        System.out.printf("%,d pairs from %,d instruction-data answers, %.1f words per text on average%n",
                pairs, answers.size(), words / (2.0 * pairs));

        Rouge rouge = Rouge.standard();
        Bleu sentence = Bleu.sentenceDefault();
        Bleu corpus = Bleu.corpusDefault();
        double[] checksum = new double[2];
        Runnable pass = () -> {
            double rougeSum = 0;
            double bleuSum = 0;
            for (int i = 0; i < pairs; i++) {
                rougeSum += rouge.rougeL(references.get(i), responses.get(i)).f1();
                bleuSum += sentence.sentence(responses.get(i), references.get(i)).score();
            }
            checksum[0] = rougeSum / pairs;
            checksum[1] = corpus.corpusSingleReference(responses, references).score();
        };
        long warmStart = System.nanoTime();
        pass.run();
        double warmup = (System.nanoTime() - warmStart) / 1e9;
        double[] times = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            pass.run();
            times[r] = (System.nanoTime() - t) / 1e9;
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted[rounds / 2];
        System.out.printf("ROUGE-L + sentence BLEU + corpus BLEU over %,d pairs: %.3f s median of %d (first pass %.3f s), "
                + "%.0f pairs/s; mean ROUGE-L F1 %.4f, corpus BLEU %.2f; target <= %.1f s%n",
                pairs, median, rounds, warmup, pairs / median, checksum[0], checksum[1], TARGET_SECONDS);
        JsonLine.startingWith("bench", "eval")
                .put("pairs", pairs)
                .put("seconds", Math.round(median * 1000) / 1000.0)
                .put("first_pass_seconds", Math.round(warmup * 1000) / 1000.0)
                .put("rounds", rounds)
                .put("pairs_per_s", Math.round(pairs / median))
                .put("rouge_l_f1_mean", Math.round(checksum[0] * 1e4) / 1e4)
                .put("corpus_bleu", Math.round(checksum[1] * 100) / 100.0)
                .put("target_seconds_per_10000", TARGET_SECONDS)
                .put("seconds_per_10000", Math.round(median * 10_000.0 / pairs * 1000) / 1000.0)
                .put("threads", 1)
                .println(System.out);
        return 0;
    }

    /** A plausible model answer: the reference with some words dropped and some taken from another answer. */
    private static String edit(String reference, String other, Random random) {
        String[] ref = reference.split("\\s+");
        String[] alt = other.split("\\s+");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < ref.length; i++) {
            double u = random.nextDouble();
            String w = u < 0.15 ? null : u < 0.35 ? alt[random.nextInt(alt.length)] : ref[i];
            if (w != null) s.append(s.length() == 0 ? "" : " ").append(w);
        }
        return s.toString();
    }
}
