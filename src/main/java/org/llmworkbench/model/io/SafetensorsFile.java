package org.llmworkbench.model.io;

import org.llmworkbench.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open safetensors file whose header has been read and checked, and whose tensors are read one
 * at a time on request. The header is untrusted input: every length and offset is checked against
 * the real file size before anything is allocated, so a lying or truncated file fails with a
 * message instead of an OutOfMemoryError or garbage weights.
 */
public final class SafetensorsFile implements Closeable {
    /** Real headers are a few hundred kB even for the largest GPT-2; anything far beyond is corruption. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    static final String METADATA_KEY = "__metadata__";
    private static final int CHUNK_BYTES = 8 * 1024 * 1024;

    private static final ObjectMapper JSON = Json.STRICT;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart,
                            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new SafetensorsException(path, "file is " + fileSize
                        + " bytes, too short for the 8-byte header length: truncated download or not a safetensors file");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0, path);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new SafetensorsException(path, "header length " + Long.toUnsignedString(headerLen)
                        + " is outside 2.." + MAX_HEADER_BYTES + " bytes: not a safetensors file, or a corrupt one");
            }
            if (headerLen > fileSize - 8) {
                throw new SafetensorsException(path, "header length " + headerLen + " is larger than the "
                        + (fileSize - 8) + " bytes that follow it: file truncated or not a safetensors file");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(channel, headerBuf, 8, path);
            long dataStart = 8 + headerLen;
            long bufferSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, headerBuf.array(), bufferSize, metadata);
            return new SafetensorsFile(path, channel, dataStart, tensors, metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, byte[] header, long bufferSize,
                                                       Map<String, String> metadata) throws SafetensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(path, "header is not well-formed JSON: " + e.getOriginalMessage()
                    + " (at " + e.getLocation() + ")", e);
        } catch (IOException e) {
            throw new SafetensorsException(path, "header cannot be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(path, "header must be a JSON object of tensor entries");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                parseMetadata(path, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), bufferSize));
            }
        }
        checkCoverage(path, tensors.values(), bufferSize);
        return tensors;
    }

    private static void parseMetadata(Path path, JsonNode node, Map<String, String> metadata) throws SafetensorsException {
        if (!node.isObject()) throw new SafetensorsException(path, "'" + METADATA_KEY + "' must be an object of strings");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new SafetensorsException(path, "'" + METADATA_KEY + "' value for '" + m.getKey() + "' must be a string");
            }
            metadata.put(m.getKey(), m.getValue().asText());
        }
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode node, long bufferSize) throws SafetensorsException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) throw new SafetensorsException(path, where + ": entry must be an object");
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(path, where + ": missing string field 'dtype'");
        }
        DType dtype = DType.fromHeader(dtypeNode.asText());
        if (dtype == null) {
            throw new SafetensorsException(path, where + ": unsupported dtype '" + dtypeNode.asText()
                    + "' (supported: " + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = longArray(path, where, node.get("shape"), "shape", -1);
        long[] offsets = longArray(path, where, node.get("data_offsets"), "data_offsets", 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end) {
            throw new SafetensorsException(path, where + ": data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        long expected;
        try {
            expected = Math.multiplyExact(NamedTensor.numel(shape, name), dtype.bytes());
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new SafetensorsException(path, where + ": shape " + Arrays.toString(shape) + " is too large");
        }
        if (end - begin != expected) {
            throw new SafetensorsException(path, where + ": " + dtype + " " + Arrays.toString(shape) + " needs "
                    + expected + " bytes but data_offsets " + Arrays.toString(offsets) + " span " + (end - begin)
                    + ": header is inconsistent, the file is corrupt");
        }
        if (end > bufferSize) {
            throw new SafetensorsException(path, where + ": data_offsets " + Arrays.toString(offsets)
                    + " reach past the end of the data (" + bufferSize + " bytes after the header): the file is cut short (an interrupted download or copy?): fetch or save it again");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] longArray(Path path, String where, JsonNode node, String field, int requiredLength)
            throws SafetensorsException {
        if (node == null || !node.isArray()) {
            throw new SafetensorsException(path, where + ": missing array field '" + field + "'");
        }
        if (requiredLength >= 0 && node.size() != requiredLength) {
            throw new SafetensorsException(path, where + ": '" + field + "' must have " + requiredLength + " entries, has " + node.size());
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new SafetensorsException(path, where + ": '" + field + "' entry " + v + " is not a non-negative integer");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    // The data buffer must be exactly the tensors laid end to end: no overlap (two names, one storage)
    // and no holes (bytes nobody accounts for).
    private static void checkCoverage(Path path, java.util.Collection<TensorInfo> infos, long bufferSize)
            throws SafetensorsException {
        List<TensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw new SafetensorsException(path, "tensors '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + ") and '" + t.name() + "' [" + t.begin() + ", " + t.end()
                        + ") overlap in the data buffer: the file is corrupt");
            }
            if (t.begin() > covered) {
                throw new SafetensorsException(path, "bytes [" + covered + ", " + t.begin() + ") of the data buffer"
                        + " belong to no tensor (before '" + t.name() + "'): the file is corrupt");
            }
            covered = t.end();
            previous = t;
        }
        if (covered != bufferSize) {
            throw new SafetensorsException(path, (bufferSize - covered) + " bytes after the last tensor belong to no tensor"
                    + " (data buffer is " + bufferSize + " bytes, tensors cover " + covered + "): the file is corrupt");
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public Map<String, TensorInfo> infos() {
        return Collections.unmodifiableMap(tensors);
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        return t;
    }

    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /** One tensor widened to float32. */
    public NamedTensor read(String name) throws IOException {
        return read(name, name);
    }

    /** One tensor widened to float32, under a new name. */
    public NamedTensor read(String name, String asName) throws IOException {
        TensorInfo info = info(name);
        float[] out = new float[arrayLength(info)];
        forEachChunk(info, (chunk, first) -> info.dtype().readFloats(chunk, out, first));
        return new NamedTensor(asName, info.shape(), out);
    }

    /** An integer tensor (I64 or I32) exactly, without a detour through float. */
    public long[] readLongs(String name) throws IOException {
        TensorInfo info = info(name);
        if (info.dtype() != DType.I64 && info.dtype() != DType.I32) {
            throw new SafetensorsException(path, "tensor '" + name + "' is " + info.dtype() + ", not an integer dtype");
        }
        long[] out = new long[arrayLength(info)];
        forEachChunk(info, (chunk, first) -> info.dtype().readLongs(chunk, out, first));
        return out;
    }

    /** All tensors in header order. */
    public StateDict readAll() throws IOException {
        StateDict sd = new StateDict();
        for (String name : tensors.keySet()) sd.put(read(name));
        return sd;
    }

    /** The tensor's element count as a Java array length; fails clearly for one too large for an array. */
    private int arrayLength(TensorInfo info) throws SafetensorsException {
        long n = info.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(path, "tensor '" + info.name() + "' has " + n + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    private interface ChunkSink {
        /** @param first the index, in the tensor, of the chunk's first element */
        void accept(ByteBuffer chunk, int first) throws IOException;
    }

    // Streams a tensor's bytes through one bounded buffer, each chunk holding whole elements.
    private void forEachChunk(TensorInfo info, ChunkSink sink) throws IOException {
        int elem = info.dtype().bytes();
        int chunkBytes = CHUNK_BYTES - CHUNK_BYTES % elem;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(chunkBytes, info.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + info.begin();
        long remaining = info.byteSize();
        int first = 0;
        while (remaining > 0) {
            int len = (int) Math.min(chunkBytes, remaining);
            buf.clear().limit(len);
            readFully(channel, buf, pos, path, info.name());
            buf.flip();
            sink.accept(buf, first);
            first += len / elem;
            pos += len;
            remaining -= len;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        readFully(ch, buf, pos, path, null);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path, String tensor) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new SafetensorsException(path, "unexpected end of file at byte " + pos
                        + (tensor == null ? "" : " while reading tensor '" + tensor + "'") + ": the file is truncated");
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
