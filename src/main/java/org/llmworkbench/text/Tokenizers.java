package org.llmworkbench.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a tokenizer by the name users type: {@code gpt2} (alias {@code r50k_base}) or a file. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * {@code gpt2}/{@code r50k_base}: GPT-2's BPE. Otherwise a file: the format {@link BpeTokenizer#save}
     * writes (recognised by its header), or a tiktoken rank file, which gets {@code <|endoftext|>}
     * as the id after its last rank.
     */
    public static BpeTokenizer forName(String nameOrFile) {
        if (nameOrFile.equals("gpt2") || nameOrFile.equals("r50k_base")) return BpeTokenizer.gpt2();
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("unknown encoding '" + nameOrFile + "': use gpt2, or the path of a tokenizer file"
                    + " (written by 'workbench tokenize train', or a tiktoken .tiktoken rank file)");
        }
        String first;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            first = r.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (first != null && first.startsWith("#llm-workbench-bpe")) return BpeTokenizer.load(file);
        if (first != null && first.startsWith("#version")) {
            throw new TokenizerFileException(file, 1, "this is a GPT-2 merges file; it needs its encoder.json too"
                    + " (BpeTokenizer.fromGpt2Files), or use the encoding name gpt2");
        }
        return BpeTokenizer.fromTiktokenFile(file, null);
    }
}
