package org.llmworkbench.finetune;

import org.llmworkbench.data.ClassificationDataset;
import org.llmworkbench.data.SmsSpam;
import org.llmworkbench.model.GptModel;
import org.llmworkbench.text.Tokenizer;
import org.llmworkbench.train.TrainingListener;

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
                       ClassificationDataset test) {}

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
        GptClassifier model = new GptClassifier(base, SmsSpam.LABELS.size(), settings.seed());
        Classifier classifier = new Classifier(model, tokenizerName, SmsSpam.LABELS, padId(model, data));
        int b = settings.batchSize();
        double[] before = {model.accuracy(data.train(), b), model.accuracy(data.validation(), b), model.accuracy(data.test(), b)};
        ClassifierTraining.Result result = ClassifierTraining.train(model, data.train(), data.validation(), settings, listeners);
        return new Outcome(classifier, result, before, classifier.predict(data.train(), b),
                classifier.predict(data.validation(), b), classifier.predict(data.test(), b));
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

    private static int padId(GptClassifier model, Data data) {
        return data.train().padId();
    }

    private static ClassificationDataset encode(tech.tablesaw.api.Table t, Tokenizer tokenizer, int pad, int maxLength) {
        return ClassificationDataset.encode(tokenizer, SmsSpam.texts(t), SmsSpam.labelIds(t), pad, maxLength);
    }
}
