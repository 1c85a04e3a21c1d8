package org.llmworkbench.model.io;

import org.llmworkbench.Json;
import org.llmworkbench.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON describing each
 * tensor (dtype, shape, byte range), then the raw little-endian data. Reading is in
 * {@link SafetensorsFile}; this class is the front door and the writer.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private Safetensors() {}

    public static SafetensorsFile open(Path path) throws IOException {
        return SafetensorsFile.open(path);
    }

    /** Every tensor in the file, widened to float32, in header order. */
    public static StateDict read(Path path) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            return f.readAll();
        }
    }

    public static void write(Path path, StateDict tensors) throws IOException {
        write(path, tensors, Map.of(), DType.F32);
    }

    /**
     * Writes tensors sorted by name (so equal dicts give equal bytes) with the header padded by spaces
     * to a multiple of 8, through a temp file renamed into place.
     */
    public static void write(Path path, StateDict tensors, Map<String, String> metadata, DType dtype) throws IOException {
        if (!dtype.isFloating()) throw new IllegalArgumentException("dtype must be a floating type to write float data, got " + dtype);
        List<NamedTensor> sorted = new ArrayList<>(new TreeMap<>(tensors.asMap()).values());
        byte[] header = header(sorted, metadata, dtype);
        AtomicFiles.write(path, temp -> {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_ELEMENTS * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (NamedTensor t : sorted) {
                    float[] data = t.data();
                    for (int from = 0; from < data.length; from += CHUNK_ELEMENTS) {
                        buf.clear();
                        dtype.writeFloats(data, from, Math.min(data.length, from + CHUNK_ELEMENTS), buf);
                        writeFully(ch, buf.flip());
                    }
                }
                ch.force(true);
            }
        });
    }

    static byte[] header(List<NamedTensor> sorted, Map<String, String> metadata, DType dtype) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsFile.METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (NamedTensor t : sorted) {
            if (t.name().equals(SafetensorsFile.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named '" + SafetensorsFile.METADATA_KEY + "'");
            }
            long bytes = (long) t.data().length * dtype.bytes();
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", dtype.name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) out[i] = ' ';
        return out;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
