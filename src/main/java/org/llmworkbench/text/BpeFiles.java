package org.llmworkbench.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.llmworkbench.AtomicFiles;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files a {@link BpeTokenizer} comes from and goes to: GPT-2's {@code encoder.json} +
 * {@code vocab.bpe}, tiktoken rank files, and our own readable merges format (what
 * {@link BpeTrainer}'s tokenizers are saved in). Every reader names the file and line of a problem.
 */
public final class BpeFiles {
    static final String FORMAT_HEADER = "#llm-workbench-bpe v1";

    private BpeFiles() {}

    /**
     * Reads GPT-2's {@code encoder.json} (token in byte-to-unicode spelling → id) and {@code vocab.bpe}
     * (merges in rank order after a {@code #version} line). Entries of the encoder that are neither a
     * byte nor the result of a merge must be special tokens; {@code <|endoftext|>} is one.
     */
    public static BpeTokenizer readGpt2(Path encoderJson, Path vocabBpe) {
        Map<String, Integer> encoder = readEncoderJson(encoderJson);
        TokenTable table = new TokenTable(encoder.size());
        Map<String, Integer> specials = new LinkedHashMap<>();
        Map<String, byte[]> bytesOf = new HashMap<>();
        for (Map.Entry<String, Integer> e : encoder.entrySet()) {
            byte[] b = ByteUnicode.unspell(e.getKey());
            if (b != null && b.length > 0) bytesOf.put(e.getKey(), b);
        }
        for (int b = 0; b < 256; b++) {
            String spelled = String.valueOf(ByteUnicode.charOf(b));
            Integer id = encoder.get(spelled);
            if (id == null) {
                throw new TokenizerFileException(encoderJson, 0, "no entry for the byte " + b + " (spelled '" + spelled
                        + "'); this is not a GPT-2 style byte-level vocabulary");
            }
            table.add(new byte[] {(byte) b}, TokenTable.NOT_MERGED, id);
        }
        Set<String> merged = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(vocabBpe, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            int rank = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("#version")) continue;
                if (line.isEmpty()) continue;
                int sp = line.indexOf(' ');
                if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerFileException(vocabBpe, lineNo, "expected two tokens separated by one space, got '"
                            + line + "'; is this a GPT-2 vocab.bpe merges file?");
                }
                String left = line.substring(0, sp);
                String right = line.substring(sp + 1);
                String joined = left + right;
                for (String part : new String[] {left, right, joined}) {
                    if (!bytesOf.containsKey(part)) {
                        throw new TokenizerFileException(vocabBpe, lineNo, "'" + part + "' (from the merge '" + line
                                + "') is not in " + encoderJson.getFileName() + "; the merges and the encoder do not belong together");
                    }
                }
                if (!table.add(bytesOf.get(joined), rank, encoder.get(joined))) {
                    throw new TokenizerFileException(vocabBpe, lineNo, "the merge '" + line + "' makes '" + joined
                            + "', which an earlier line or a single byte already makes; each token is made once");
                }
                merged.add(joined);
                rank++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + vocabBpe, e);
        }
        for (Map.Entry<String, Integer> e : encoder.entrySet()) {
            String tok = e.getKey();
            if (tok.length() == 1 && ByteUnicode.byteOf(tok.charAt(0)) >= 0) continue;
            if (merged.contains(tok)) continue;
            if (tok.startsWith("<|") && tok.endsWith("|>")) {
                specials.put(tok, e.getValue());
            } else {
                throw new TokenizerFileException(encoderJson, 0, "the entry '" + tok + "' (id " + e.getValue()
                        + ") is neither a byte, a merge in " + vocabBpe.getFileName() + ", nor a special token <|...|>");
            }
        }
        return new BpeTokenizer("gpt2", table, specials, null, encoderJson);
    }

    private static Map<String, Integer> readEncoderJson(Path file) {
        Map<String, Integer> encoder = new LinkedHashMap<>();
        Map<Integer, String> byId = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TokenizerFileException(file, p.currentLocation().getLineNr(), "expected a JSON object of token → id");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                int line = p.currentLocation().getLineNr();
                long col = p.currentLocation().getColumnNr();
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the id of '" + token + "' is not an integer");
                }
                long id = p.getLongValue();
                if (id < 0 || id > 10_000_000) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the id " + id + " of '" + token + "' is out of range 0..10000000");
                }
                if (encoder.put(token, (int) id) != null) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the token '" + token + "' appears twice");
                }
                String other = byId.put((int) id, token);
                if (other != null) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the id " + id + " is given to both '" + other + "' and '" + token + "'");
                }
                if (!(token.startsWith("<|") && token.endsWith("|>")) && ByteUnicode.unspell(token) == null) {
                    throw new TokenizerFileException(file, line, "column " + col + ": the token '" + token
                            + "' has a character outside GPT-2's byte-to-unicode spelling");
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new TokenizerFileException(file, p.currentLocation().getLineNr(), "expected a token or the end of the object");
            }
        } catch (JsonProcessingException e) {
            throw new TokenizerFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return encoder;
    }

    /**
     * Reads a tiktoken rank file: one token per line as base64 of its bytes, a space, and its rank
     * (which is also its id). Special tokens are not in such files; pass them in {@code specials}
     * (null: {@code <|endoftext|>} gets the id after the highest rank, as in r50k_base).
     */
    public static BpeTokenizer readTiktoken(Path file, Map<String, Integer> specials) {
        TokenTable table = new TokenTable(100_000);
        Base64.Decoder b64 = Base64.getDecoder();
        Map<Integer, Integer> lineOfRank = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) continue;
                int sp = line.indexOf(' ');
                if (sp <= 0 || line.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerFileException(file, lineNo, "expected '<base64 token> <rank>', got '" + abbreviate(line) + "'");
                }
                byte[] bytes;
                try {
                    bytes = b64.decode(line.substring(0, sp));
                } catch (IllegalArgumentException e) {
                    throw new TokenizerFileException(file, lineNo, "the token '" + line.substring(0, sp) + "' is not valid base64", e);
                }
                int rank;
                try {
                    rank = Integer.parseInt(line.substring(sp + 1));
                } catch (NumberFormatException e) {
                    throw new TokenizerFileException(file, lineNo, "the rank '" + line.substring(sp + 1) + "' is not an integer", e);
                }
                if (rank < 0 || bytes.length == 0) {
                    throw new TokenizerFileException(file, lineNo, "a token needs at least one byte and a rank >= 0");
                }
                Integer previous = lineOfRank.put(rank, lineNo);
                if (previous != null) {
                    throw new TokenizerFileException(file, lineNo, "the rank " + rank + " was already given on line " + previous);
                }
                if (!table.add(bytes, bytes.length == 1 ? TokenTable.NOT_MERGED : rank, rank)) {
                    throw new TokenizerFileException(file, lineNo, "the token '" + line.substring(0, sp) + "' appears twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String name = file.getFileName().toString().replaceFirst("\\.tiktoken$", "");
        if (specials == null) {
            int next = 0;
            for (int e = 0; e < table.size(); e++) next = Math.max(next, table.id(e) + 1);
            specials = Map.of(Tokenizer.END_OF_TEXT, next);
        }
        return new BpeTokenizer(name, table, specials, null, file);
    }

    /**
     * Reads the format {@link #write} writes: a header, {@code #special <id> <token>} lines, then one
     * merge per line, the two parts in GPT-2's byte-to-unicode spelling separated by one space.
     */
    public static BpeTokenizer read(Path file) {
        List<int[]> merges = new ArrayList<>();
        Map<String, Integer> specials = new LinkedHashMap<>();
        Map<String, Integer> idOf = new HashMap<>();
        for (int b = 0; b < 256; b++) idOf.put(String.valueOf(ByteUnicode.charOf(b)), b);
        int declaredVocab = -1;
        int declaredOn = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null || !line.equals(FORMAT_HEADER)) {
                throw new TokenizerFileException(file, 1, "expected the header '" + FORMAT_HEADER
                        + "'; this file was not written by BpeTokenizer.save (GPT-2 files: BpeFiles.readGpt2, tiktoken files: BpeFiles.readTiktoken)");
            }
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.startsWith("#special ")) {
                    String[] f = line.split(" ", 3);
                    try {
                        if (f.length != 3 || f[2].isEmpty()) throw new NumberFormatException();
                        specials.put(f[2], Integer.parseInt(f[1]));
                    } catch (NumberFormatException e) {
                        throw new TokenizerFileException(file, lineNo, "expected '#special <id> <token>', got '" + line + "'");
                    }
                    continue;
                }
                if (line.startsWith("#vocab-size ")) {
                    try {
                        declaredVocab = Integer.parseInt(line.substring("#vocab-size ".length()).strip());
                        declaredOn = lineNo;
                    } catch (NumberFormatException e) {
                        throw new TokenizerFileException(file, lineNo, "expected '#vocab-size <n>', got '" + line + "'");
                    }
                    continue;
                }
                if (line.startsWith("#") || line.isEmpty()) continue;
                int sp = line.indexOf(' ');
                if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0) {
                    throw new TokenizerFileException(file, lineNo, "expected a merge 'left right' (two tokens, one space), got '" + line + "'");
                }
                String left = line.substring(0, sp);
                String right = line.substring(sp + 1);
                Integer l = idOf.get(left);
                Integer rt = idOf.get(right);
                if (l == null || rt == null) {
                    throw new TokenizerFileException(file, lineNo, "'" + (l == null ? left : right)
                            + "' is neither a byte nor made by an earlier merge; merges must build on earlier tokens");
                }
                int id = 256 + merges.size();
                if (idOf.putIfAbsent(left + right, id) != null) {
                    throw new TokenizerFileException(file, lineNo, "'" + left + right + "' is already made by an earlier merge");
                }
                merges.add(new int[] {l, rt});
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        BpeTokenizer tokenizer = BpeTokenizer.fromMerges(name, merges.toArray(new int[0][]), specials, file);
        int held = 256 + merges.size() + specials.size();
        if (declaredOn > 0 && held != declaredVocab) {
            throw new TokenizerFileException(file, declaredOn, "the file declares a vocabulary of " + declaredVocab
                    + " but holds " + merges.size() + " merges and " + specials.size() + " special tokens (256 + "
                    + merges.size() + " + " + specials.size() + " = " + held + "): it is cut short or was edited; save the tokenizer again");
        }
        return tokenizer;
    }

    /**
     * Writes the tokenizer in the readable merges format (see {@link #read}); a reader never sees
     * half a file. Only tokenizers with a merge list (trained, or read from this format) can be written.
     */
    public static void write(BpeTokenizer tokenizer, Path file) {
        int[][] merges = tokenizer.merges();
        if (merges == null) {
            throw new UnsupportedOperationException(tokenizer.name() + " has no merge list with byte ids 0-255 (it was loaded"
                    + " from GPT-2 or tiktoken files); only tokenizers from BpeTrainer or BpeFiles.read can be saved");
        }
        try {
            AtomicFiles.write(file, temp -> {
                try (BufferedWriter w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    w.write(FORMAT_HEADER + "\n");
                    w.write("# Byte-level BPE (llm-workbench). Ids 0-255 are the bytes 0-255. Each line below the\n");
                    w.write("# header is a merge; the k-th merge (from 0) makes token 256+k by joining its two parts.\n");
                    w.write("# Parts use GPT-2's byte-to-unicode spelling: 'Ġ' is a space, 'Ċ' a newline.\n");
                    w.write("# Words are cut with GPT-2's pre-tokenizer regex before merging.\n");
                    w.write("#vocab-size " + tokenizer.vocabSize() + "\n");
                    for (Map.Entry<String, Integer> s : tokenizer.specialTokens().entrySet()) {
                        w.write("#special " + s.getValue() + " " + s.getKey() + "\n");
                    }
                    for (int[] m : merges) {
                        w.write(ByteUnicode.spell(tokenizer.tokenBytes(m[0])) + " " + ByteUnicode.spell(tokenizer.tokenBytes(m[1])) + "\n");
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
