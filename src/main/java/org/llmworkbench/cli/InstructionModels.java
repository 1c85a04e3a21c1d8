package org.llmworkbench.cli;

import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.data.InstructionPrompts.Format;
import org.llmworkbench.finetune.InstructionModel;
import org.llmworkbench.train.BaseModels;
import org.llmworkbench.train.TrainedModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the instruction commands share: {@code --model}/{@code --base} as a directory or a base-model name, and data files. */
final class InstructionModels {
    private InstructionModels() {}

    /** A model directory (Hugging Face GPT-2 layout) or a name {@link BaseModels} knows (gpt2, gpt2-medium, workshop-base, …). */
    static TrainedModel base(String spec, PrintStream log) throws IOException {
        Path dir = Path.of(spec);
        if (Files.isDirectory(dir)) {
            TrainedModel m = TrainedModel.fromHuggingFace(dir);
            log.println("base model: " + m.source());
            return m;
        }
        return BaseModels.load(spec, log);
    }

    /**
     * An instruction-tuned model directory (its format from its metadata), or any base model asked in
     * {@code format} (alpaca when null), for zero- and few-shot answers.
     */
    static InstructionModel open(String spec, String format, PrintStream log) throws IOException {
        Format fallback = Format.parse(format == null ? "alpaca" : format);
        Path dir = Path.of(spec);
        if (Files.isDirectory(dir)) {
            InstructionModel m = InstructionModel.load(dir, fallback, 0.0);
            if (format != null && m.format() != fallback) {
                log.println("note: " + dir + " was tuned with the " + m.format().id() + " format; using it, not " + format);
            }
            return m;
        }
        TrainedModel base = BaseModels.load(spec, log);
        // the short name when it is the model asked for (the log line above says where it came from)
        String name = base.source().startsWith(spec + " ") ? spec : base.source();
        return new InstructionModel(InstructionModel.withDropout(base.model(), 0.0), base.tokenizer(), fallback, name);
    }

    /** A dataset name from the manifest, or a file. */
    static Path data(String spec) {
        Path file = Path.of(spec);
        return Files.isRegularFile(file) ? file : Datasets.resolve(spec);
    }

    static Double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10_000) / 10_000.0 : null;
    }
}
