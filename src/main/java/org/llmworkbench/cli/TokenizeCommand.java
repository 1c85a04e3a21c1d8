package org.llmworkbench.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.text.BpeTokenizer;
import org.llmworkbench.text.BpeTrainer;
import org.llmworkbench.text.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code workbench tokenize}: text to ids and back with GPT-2's BPE or a trained tokenizer file, and
 * {@code workbench tokenize train} to learn a BPE vocabulary. Handy in workshops to see what the
 * model sees.
 */
@Command(name = "tokenize",
        mixinStandardHelpOptions = true,
        description = {"Encode text to token ids (or decode ids with --decode); ends with one JSON line.",
                "Example: workbench tokenize --encoding gpt2 --text \"Hello, world\""},
        subcommands = TokenizeCommand.Train.class)
public final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--encoding", defaultValue = "gpt2", description = "gpt2, or a tokenizer file (from 'tokenize train', or a .tiktoken rank file). Default: ${DEFAULT-VALUE}")
    String encoding;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Input input;

    static final class Input {
        @Option(names = "--text", description = "The text (with --decode: the ids, separated by spaces or commas).")
        String text;

        @Option(names = "--file", description = "Read the text (or the ids) from this UTF-8 file.")
        Path file;
    }

    @Option(names = "--decode", description = "Decode ids to text instead of encoding.")
    boolean decode;

    @Option(names = "--allow-special", description = "Encode special tokens such as <|endoftext|> in the text as their ids (default: refuse them).")
    boolean allowSpecial;

    @Option(names = "--tokens", description = "Also print each id with the text of its token, one per line.")
    boolean showTokens;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (input == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give the text with --text or --file (or use 'tokenize train')");
        }
        BpeTokenizer tokenizer = Tokenizers.forName(encoding);
        String in = input.text != null ? input.text : Files.readString(input.file, StandardCharsets.UTF_8);
        JsonLine figures = JsonLine.startingWith("encoding", tokenizer.name()).put("vocab_size", tokenizer.vocabSize());
        if (decode) {
            int[] ids = CliModels.parseIds(in, "--decode");
            String text = tokenizer.decode(ids);
            System.out.println(text);
            if (showTokens) printTokens(tokenizer, ids);
            figures.put("tokens", ids.length).put("characters", text.length());
        } else {
            int[] ids = tokenizer.encode(in, allowSpecial ? tokenizer.specialTokens().keySet() : Set.of());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ids.length; i++) sb.append(i == 0 ? "" : " ").append(ids[i]);
            System.out.println(sb);
            if (showTokens) printTokens(tokenizer, ids);
            int bytes = in.getBytes(StandardCharsets.UTF_8).length;
            figures.put("tokens", ids.length)
                    .put("characters", in.length())
                    .put("bytes", bytes)
                    .put("bytes_per_token", ids.length == 0 ? 0.0 : Math.round(1000.0 * bytes / ids.length) / 1000.0);
        }
        figures.println(System.out);
        return 0;
    }

    private static void printTokens(BpeTokenizer tokenizer, int[] ids) {
        for (int id : ids) {
            String t = tokenizer.token(id).replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
            System.out.println(id + "\t'" + t + "'");
        }
    }

    /** {@code workbench tokenize train --data tinyshakespeare --vocab 4096 --out F}. */
    @Command(name = "train",
            mixinStandardHelpOptions = true,
            description = {"Train a byte-level BPE tokenizer (GPT-2 pre-tokenization) and save it; ends with one JSON line.",
                    "Example: workbench tokenize train --data tinyshakespeare --vocab 4096 --out build/shakespeare-4096.bpe"})
    static final class Train implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--data", description = "Dataset name (the-verdict, tinyshakespeare, ...).")
            String data;

            @Option(names = "--file", description = "A UTF-8 text file to train on.")
            Path file;
        }

        @Option(names = "--vocab", required = true, description = "Target vocabulary size: 256 bytes + merges + special tokens.")
        int vocab;

        @Option(names = "--out", required = true, description = "Where to write the tokenizer (readable merges format).")
        Path out;

        @Option(names = "--special", split = ",", defaultValue = "<|endoftext|>", description = "Special tokens (comma-separated). Default: ${DEFAULT-VALUE}")
        List<String> special;

        @Override
        public Integer call() throws Exception {
            BpeTrainer.Config config = new BpeTrainer.Config(vocab, special);
            Path path = source.file != null ? source.file : Datasets.resolve(source.data);
            String text = Files.readString(path, StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            BpeTokenizer bpe = new BpeTrainer(config).train(text, m -> {
                if ((m.id() - 255) % 500 == 0) System.err.printf("  merge %d: token %d = %d + %d (%d times)%n", m.id() - 255, m.id(), m.left(), m.right(), m.count());
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            bpe.save(out);
            int[] ids = bpe.encode(text, bpe.specialTokens().keySet());
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            System.out.printf("trained %s on %s (%,d bytes) in %.2f s: %d merges, vocabulary %d, %.3f bytes/token; saved to %s%n",
                    bpe.name(), path.getFileName(), bytes, seconds, bpe.mergeCount(), bpe.vocabSize(), bytes / (double) ids.length, out);
            if (bpe.vocabSize() < vocab) {
                System.out.println("note: the text ran out of pairs to merge before reaching " + vocab + " tokens");
            }
            JsonLine.startingWith("data", source.data != null ? source.data : path.toString())
                    .put("vocab_size", bpe.vocabSize())
                    .put("merges", bpe.mergeCount())
                    .put("train_seconds", Math.round(seconds * 1000) / 1000.0)
                    .put("bytes", bytes)
                    .put("tokens", ids.length)
                    .put("bytes_per_token", Math.round(1000.0 * bytes / ids.length) / 1000.0)
                    .put("out", out.toString())
                    .println(System.out);
            return 0;
        }
    }
}
