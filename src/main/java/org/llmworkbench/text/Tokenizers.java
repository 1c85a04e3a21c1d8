package org.llmworkbench.text;

import org.llmworkbench.datasets.Datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a tokenizer by the name users type: {@code gpt2} (alias {@code r50k_base}) or a file. */
public final class Tokenizers {
    private static BpeTokenizer gpt2;

    private Tokenizers() {}

    /** GPT-2's tokenizer (r50k_base), from the {@code gpt2-encoder} and {@code gpt2-vocab} datasets. Cached. */
    public static synchronized BpeTokenizer gpt2() {
        // Not a holder class: a missing dataset must stay a clear error on every call, not a NoClassDefFoundError.
        if (gpt2 == null) {
            gpt2 = BpeFiles.readGpt2(Datasets.resolve("gpt2-encoder"), Datasets.resolve("gpt2-vocab"));
        }
        return gpt2;
    }

    /**
     * {@code gpt2}/{@code r50k_base}: GPT-2's BPE. Otherwise a file: the format {@link BpeFiles#write}
     * writes (recognised by its header), or a tiktoken rank file, which gets {@code <|endoftext|>}
     * as the id after its last rank.
     */
    public static BpeTokenizer forName(String nameOrFile) {
        if (nameOrFile.equals("gpt2") || nameOrFile.equals("r50k_base")) return gpt2();
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            boolean looksLikeAPath = nameOrFile.contains("/") || nameOrFile.contains(java.io.File.separator) || nameOrFile.contains(".");
            throw new IllegalArgumentException((looksLikeAPath
                    ? "tokenizer file " + nameOrFile + (Files.exists(file) ? " is not a file" : " does not exist")
                    : "unknown encoding '" + nameOrFile + "'") + ": use gpt2, or the path of a tokenizer file"
                    + " (written by 'workbench tokenize train', or a tiktoken .tiktoken rank file)");
        }
        String first;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            first = r.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (first != null && first.equals(BpeFiles.FORMAT_HEADER)) return BpeFiles.read(file);
        if (first != null && first.startsWith("#version")) {
            throw new TokenizerFileException(file, 1, "this is a GPT-2 merges file; it needs its encoder.json too"
                    + " (BpeFiles.readGpt2), or use the encoding name gpt2");
        }
        return BpeFiles.readTiktoken(file, null);
    }
}
