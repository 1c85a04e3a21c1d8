package org.llmworkbench.finetune;

import org.llmworkbench.data.ClassificationDataset;
import org.llmworkbench.data.SmsSpam;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.train.TrainingListener;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * The book's chapter 6 end to end: the balanced SMS split encoded for a GPT, a classifier
 * fine-tuned from a base model, and its accuracy before and after on all three splits.
 */
public final class SpamClassifier {
    public static final String END_OF_TEXT = "<|endoftext|>";

    private SpamClassifier() {}

    /** The split's tables and the same messages encoded, padded with {@code <|endoftext|>}, capped at {@code maxLength}. */
    public record Data(SmsSpam.Split split, ClassificationDataset train, ClassificationDataset validation,
                       ClassificationDataset test) {
        /** Only the first {@code n} training messages (0: all): quick smoke runs. */
        public Data withTrainingMessages(int n) {
            return n <= 0 ? this : new Data(split, train.head(n), validation, test);
        }
    }

    /** The book's split (balance + 70/10/20 with the seed), encoded with the tokenizer. */
    public static Data data(Tokenizer tokenizer, int maxLength, long seed) {
        return data(SmsSpam.bookSplit(seed), tokenizer, maxLength);
    }

    public static Data data(SmsSpam.Split split, Tokenizer tokenizer, int maxLength) {
        int pad = padId(tokenizer);
        return new Data(split, encode(split.train(), tokenizer, pad, maxLength), encode(split.validation(), tokenizer, pad, maxLength),
                encode(split.test(), tokenizer, pad, maxLength));
    }

    /**
     * @param before accuracy of the untrained head on train / validation / test (≈ 50 % on balanced data)
     * @param train  predictions after training, likewise {@code validation} and {@code test}
     */
    public record Outcome(Classifier classifier, ClassifierTraining.Result training, double[] before,
                          Predictions train, Predictions validation, Predictions test) {}

    /**
     * Puts a two-class head on {@code base} (which the classifier then owns), trains it with the
     * settings, and measures accuracy before and after on every split.
     *
     * @param tokenizerName how the saved classifier finds its tokenizer again ({@code gpt2})
     */
    public static Outcome finetune(GptModel base, String tokenizerName, Data data, ClassifierTraining.Settings settings,
                                   List<TrainingListener> listeners) {
        GptClassifier model = new GptClassifier(base, SmsSpam.LABELS.size(), settings.schedule().seed());
        Classifier classifier = new Classifier(model, tokenizerName, SmsSpam.LABELS, data.train().padId());
        int b = settings.schedule().batchSize();
        double[] before = {model.accuracy(data.train(), b), model.accuracy(data.validation(), b), model.accuracy(data.test(), b)};
        ClassifierTraining.Result result = ClassifierTraining.train(model, data.train(), data.validation(), settings, listeners);
        return new Outcome(classifier, result, before, classifier.predict(data.train(), b),
                classifier.predict(data.validation(), b), classifier.predict(data.test(), b));
    }

    /**
     * One row for a comparison table: model, parameters trained, train / validation / test
     * accuracy, training seconds (the columns {@code Baselines.spam} writes too).
     */
    public static Table summary(String name, Outcome o) {
        Table t = Table.create("comparison", StringColumn.create("model"), LongColumn.create("parameters_trained"),
                DoubleColumn.create("train_accuracy"), DoubleColumn.create("val_accuracy"), DoubleColumn.create("test_accuracy"),
                DoubleColumn.create("seconds"));
        t.stringColumn("model").append(name);
        t.longColumn("parameters_trained").append(o.training().trainable());
        t.doubleColumn("train_accuracy").append(o.train().accuracy());
        t.doubleColumn("val_accuracy").append(o.validation().accuracy());
        t.doubleColumn("test_accuracy").append(o.test().accuracy());
        t.doubleColumn("seconds").append(o.training().training().wallSeconds());
        return readable(t);
    }

    /**
     * Prints a comparison table's accuracies as percentages with two decimals (97.00%) and its seconds to at most
     * three decimals, instead of every digit of a double; the values themselves are unchanged. Rows appended to the
     * table later print the same way.
     */
    public static Table readable(Table comparison) {
        var symbols = java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT);
        for (String name : List.of("train_accuracy", "val_accuracy", "test_accuracy")) {
            if (comparison.containsColumn(name)) {
                comparison.doubleColumn(name).setPrintFormatter(new java.text.DecimalFormat("0.00%", symbols), "");
            }
        }
        if (comparison.containsColumn("seconds")) {
            comparison.doubleColumn("seconds").setPrintFormatter(new java.text.DecimalFormat("#,##0.0##", symbols), "");
        }
        return comparison;
    }

    /** The test messages the classifier got wrong: text, true label, predicted label. */
    public static Table mistakes(Data data, Predictions test) {
        Table t = Table.create("misclassified test messages", StringColumn.create("actual"), StringColumn.create("predicted"),
                StringColumn.create("text"));
        List<String> texts = org.llmworkbench.data.SmsSpam.texts(data.split().test());
        for (int i : test.mistakes()) {
            t.stringColumn("actual").append(test.labels().get(test.actual()[i]));
            t.stringColumn("predicted").append(test.labels().get(test.predicted()[i]));
            t.stringColumn("text").append(texts.get(i));
        }
        return t;
    }

    /** A new model with the same shape and weights: each fine-tuning run starts from its own copy of the base. */
    public static GptModel copy(GptModel base) {
        GptModel copy = GptModel.create(base.config(), 0, base.device());
        copy.loadStateDict(base.parameters());
        return copy;
    }

    static int padId(Tokenizer tokenizer) {
        Integer id = tokenizer.specialTokens().get(END_OF_TEXT);
        if (id == null) throw new IllegalArgumentException("the tokenizer has no " + END_OF_TEXT + " token to pad with");
        return id;
    }

    private static ClassificationDataset encode(tech.tablesaw.api.Table t, Tokenizer tokenizer, int pad, int maxLength) {
        return ClassificationDataset.encode(tokenizer, SmsSpam.texts(t), SmsSpam.labelIds(t), pad, maxLength);
    }
}
