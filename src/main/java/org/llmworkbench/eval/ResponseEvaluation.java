package org.llmworkbench.eval;

import org.llmworkbench.data.ModelResponse;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Every metric over one set of saved responses: per answer (for finding where models differ) and
 * summarized (for the comparison table). ROUGE figures and exact match / token F1 are fractions in
 * [0, 1]; BLEU is 0–100 like sacreBLEU; judge scores are 0–100 like the book's.
 *
 * <p>Corpus BLEU pools the n-gram counts of all answers, so it is not the mean of the sentence
 * BLEU scores (which are smoothed and reported too).
 */
public final class ResponseEvaluation {

    /** Which metric groups to compute: rouge (1/2/L), bleu (corpus + sentence), em (exact match + token F1). */
    public enum Metric {
        ROUGE, BLEU, EM;

        /** A comma-separated list such as {@code rouge,bleu,em}. */
        public static Set<Metric> parse(String list) {
            Set<Metric> set = EnumSet.noneOf(Metric.class);
            for (String part : list.split(",")) {
                String p = part.strip().toLowerCase(Locale.ROOT);
                if (p.isEmpty()) continue;
                switch (p) {
                    case "rouge" -> set.add(ROUGE);
                    case "bleu" -> set.add(BLEU);
                    case "em", "f1" -> set.add(EM);
                    default -> throw new IllegalArgumentException("unknown metric '" + part.strip()
                            + "' in '" + list + "': use rouge, bleu, em");
                }
            }
            if (set.isEmpty()) throw new IllegalArgumentException("no metric named in '" + list + "'");
            return set;
        }
    }

    /** One answer's scores; NaN where a metric was not asked for. */
    public record Scored(ModelResponse response, double rouge1, double rouge2, double rougeL, double sentenceBleu,
                         double exactMatch, double tokenF1, OptionalDouble judge) {}

    /** The figures of one model on one responses file, in a stable order. */
    public record Summary(String source, String model, int count, Map<String, Double> figures) {}

    private final List<Scored> scored;
    private final Summary summary;

    private ResponseEvaluation(List<Scored> scored, Summary summary) {
        this.scored = scored;
        this.summary = summary;
    }

    public List<Scored> scored() {
        return scored;
    }

    public Summary summary() {
        return summary;
    }

    /**
     * Scores every response. {@code judge} may be null (no judge); when given, each answer is sent
     * once (the judge's cache makes re-runs free) and a {@link JudgeException} stops the evaluation.
     */
    public static ResponseEvaluation of(String source, List<ModelResponse> responses, Set<Metric> metrics,
                                        boolean stemming, LlmJudge judge) {
        if (responses.isEmpty()) {
            throw new IllegalArgumentException(source + ": no responses to evaluate");
        }
        Rouge rouge = stemming ? Rouge.withStemming() : Rouge.standard();
        Bleu sentenceBleu = Bleu.sentenceDefault();
        List<Scored> out = new ArrayList<>(responses.size());
        int judged = 0;
        int unreadable = 0;
        for (ModelResponse r : responses) {
            Rouge.Scores rs = metrics.contains(Metric.ROUGE) ? rouge.score(r.reference(), r.response()) : null;
            double bleu = metrics.contains(Metric.BLEU) ? sentenceBleu.sentence(r.response(), r.reference()).score() : Double.NaN;
            boolean em = metrics.contains(Metric.EM);
            OptionalDouble judgeScore = OptionalDouble.empty();
            if (judge != null) {
                judgeScore = judge.score(r).score();
                if (judgeScore.isPresent()) judged++; else unreadable++;
            }
            out.add(new Scored(r,
                    rs == null ? Double.NaN : rs.rouge1().f1(),
                    rs == null ? Double.NaN : rs.rouge2().f1(),
                    rs == null ? Double.NaN : rs.rougeL().f1(),
                    bleu,
                    em ? (AnswerMatch.exactMatch(r.reference(), r.response()) ? 1 : 0) : Double.NaN,
                    em ? AnswerMatch.f1(r.reference(), r.response()) : Double.NaN,
                    judgeScore));
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        if (metrics.contains(Metric.ROUGE)) {
            figures.put("rouge1_f1", mean(out, Scored::rouge1));
            figures.put("rouge2_f1", mean(out, Scored::rouge2));
            figures.put("rougeL_f1", mean(out, Scored::rougeL));
        }
        if (metrics.contains(Metric.BLEU)) {
            figures.put("bleu", Bleu.corpusDefault().corpusSingleReference(
                    responses.stream().map(ModelResponse::response).toList(),
                    responses.stream().map(ModelResponse::reference).toList()).score());
            figures.put("sentence_bleu_mean", mean(out, Scored::sentenceBleu));
        }
        if (metrics.contains(Metric.EM)) {
            figures.put("exact_match", mean(out, Scored::exactMatch));
            figures.put("token_f1", mean(out, Scored::tokenF1));
        }
        if (judge != null) {
            figures.put("judge_mean", judged == 0 ? Double.NaN
                    : out.stream().filter(s -> s.judge().isPresent()).mapToDouble(s -> s.judge().getAsDouble()).average().orElse(Double.NaN));
            figures.put("judge_scored", (double) judged);
            figures.put("judge_unreadable", (double) unreadable);
        }
        String model = responses.stream().map(ModelResponse::model).distinct().count() == 1
                ? responses.get(0).model() : "mixed";
        return new ResponseEvaluation(out, new Summary(source, model, out.size(), figures));
    }

    private static double mean(List<Scored> scored, java.util.function.ToDoubleFunction<Scored> f) {
        return scored.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** A comparison table, one row per summary, one column per figure (Tablesaw; notebooks render it). */
    public static Table table(List<Summary> summaries) {
        Table t = Table.create("evaluation");
        t.addColumns(StringColumn.create("model", summaries.stream().map(Summary::model).toList()),
                IntColumn.create("n", summaries.stream().mapToInt(Summary::count).toArray()));
        List<String> keys = new ArrayList<>();
        for (Summary s : summaries) for (String k : s.figures().keySet()) if (!keys.contains(k)) keys.add(k);
        for (String k : keys) {
            double[] values = summaries.stream()
                    .mapToDouble(s -> round(s.figures().getOrDefault(k, Double.NaN), 4)).toArray();
            t.addColumns(DoubleColumn.create(k, values));
        }
        return t;
    }

    /** One figure per answer, in file order: rouge1, rouge2, rougeL, bleu (sentence), em, f1 or judge (NaN when unscored). */
    public double[] perResponse(String metric) {
        return scored.stream().mapToDouble(s -> switch (metric) {
            case "rouge1" -> s.rouge1();
            case "rouge2" -> s.rouge2();
            case "rougeL" -> s.rougeL();
            case "bleu" -> s.sentenceBleu();
            case "em" -> s.exactMatch();
            case "f1" -> s.tokenF1();
            case "judge" -> s.judge().orElse(Double.NaN);
            default -> throw new IllegalArgumentException("unknown metric '" + metric
                    + "': use rouge1, rouge2, rougeL, bleu, em, f1 or judge");
        }).toArray();
    }

    /**
     * The {@code k} questions where two models' ROUGE-L differs most: instruction, reference, both
     * answers and both scores. Answers are paired by (instruction, input).
     */
    public static Table disagreements(ResponseEvaluation a, ResponseEvaluation b, int k) {
        Map<String, Scored> other = new LinkedHashMap<>();
        for (Scored s : b.scored) other.putIfAbsent(s.response().questionKey(), s);
        List<Scored[]> pairs = new ArrayList<>();
        for (Scored s : a.scored) {
            Scored o = other.get(s.response().questionKey());
            if (o != null) pairs.add(new Scored[] {s, o});
        }
        pairs.sort((x, y) -> Double.compare(Math.abs(y[0].rougeL() - y[1].rougeL()), Math.abs(x[0].rougeL() - x[1].rougeL())));
        List<Scored[]> top = pairs.subList(0, Math.min(k, pairs.size()));
        String nameA = a.summary.model();
        String nameB = b.summary.model();
        return Table.create("largest ROUGE-L differences: " + nameA + " vs " + nameB).addColumns(
                StringColumn.create("instruction", top.stream().map(p -> p[0].response().instruction()
                        + (p[0].response().input().isEmpty() ? "" : "\n" + p[0].response().input())).toList()),
                StringColumn.create("reference", top.stream().map(p -> p[0].response().reference()).toList()),
                StringColumn.create(nameA, top.stream().map(p -> p[0].response().response()).toList()),
                StringColumn.create(nameB, top.stream().map(p -> p[1].response().response()).toList()),
                DoubleColumn.create("ROUGE-L " + nameA, top.stream().mapToDouble(p -> round(p[0].rougeL(), 3)).toArray()),
                DoubleColumn.create("ROUGE-L " + nameB, top.stream().mapToDouble(p -> round(p[1].rougeL(), 3)).toArray()));
    }

    static double round(double v, int places) {
        if (!Double.isFinite(v)) return v;
        double scale = Math.pow(10, places);
        return Math.round(v * scale) / scale;
    }
}
