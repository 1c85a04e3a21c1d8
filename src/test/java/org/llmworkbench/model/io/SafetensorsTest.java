package org.llmworkbench.model.io;

import org.llmworkbench.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static StateDict sample() {
        return new StateDict()
                .put(NamedTensor.of("b", new float[] {1f, -2f, 3.5f, 0f, 1e-3f, -7f}, 2, 3))
                .put(NamedTensor.of("a", new float[] {42f}, 1));
    }

    @Test
    void writesExactBytesSortedAndPaddedToEight() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, sample(), Map.of("format", "pt"), DType.F32);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong();
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).isEqualTo("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[4,28]}}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
        assertThat(bytes.length).isEqualTo(8 + n + 28);
        bb.position((int) (8 + n));
        assertThat(bb.getFloat()).isEqualTo(42f);
        assertThat(bb.getFloat()).isEqualTo(1f);
        assertThat(bb.getFloat()).isEqualTo(-2f);
    }

    @Test
    void roundTripsValuesMetadataAndIsDeterministic() throws IOException {
        Path f1 = dir.resolve("one.safetensors"), f2 = dir.resolve("two.safetensors");
        Safetensors.write(f1, sample(), Map.of("format", "pt", "note", "x"), DType.F32);
        StateDict reversed = new StateDict().put(sample().get("a")).put(sample().get("b"));
        Safetensors.write(f2, reversed, Map.of("note", "x", "format", "pt"), DType.F32);
        assertThat(Files.readAllBytes(f1)).isEqualTo(Files.readAllBytes(f2));

        try (SafetensorsFile file = Safetensors.open(f1)) {
            assertThat(file.metadata()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("format", "pt", "note", "x")));
            assertThat(file.info("b").shape()).containsExactly(2, 3);
            assertThat(file.info("b").dtype()).isEqualTo(DType.F32);
            assertThat(file.readAll()).isEqualTo(sample());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("one.safetensors", "two.safetensors");
        }
    }

    @Test
    void widensHalfAndBfloat16AndReadsIntegers() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(12 + 6 + 16 + 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int h : new int[] {0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x7C00}) data.putShort((short) h);
        for (int b : new int[] {0x3F80, 0xC040, 0x4049}) data.putShort((short) b);
        data.putLong((1L << 40) + 1).putLong(-3);
        data.putInt(-5).putInt(7);
        Path f = raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[18,34]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[34,42]}}", data.array());
        try (SafetensorsFile file = Safetensors.open(f)) {
            assertThat(file.read("h").data()).containsExactly(1f, -2f, 0.333251953125f, 65504f, (float) Math.pow(2, -24), Float.POSITIVE_INFINITY);
            assertThat(file.read("bf").data()).containsExactly(1f, -3f, 3.140625f);
            assertThat(file.readLongs("l")).containsExactly((1L << 40) + 1, -3);
            assertThat(file.readLongs("i")).containsExactly(-5, 7);
            assertThat(file.read("i").data()).containsExactly(-5f, 7f);
            assertThatThrownBy(() -> file.readLongs("h")).hasMessageContaining("'h' is F16, not an integer dtype");
        }
    }

    @Test
    void readsTensorsLargerThanOneReadChunk() throws IOException {
        int floats = 2_500_000, longs = 1_200_000; // 10 MB and 9.6 MB: more than the 8 MB read buffer
        ByteBuffer data = ByteBuffer.allocate(4 * floats + 8 * longs).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats; i++) data.putFloat(i);
        for (int i = 0; i < longs; i++) data.putLong(3L * i - 7);
        Path f = raw("{\"f\":{\"dtype\":\"F32\",\"shape\":[" + floats + "],\"data_offsets\":[0," + 4 * floats + "]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[" + longs + "],\"data_offsets\":[" + 4 * floats + "," + (4 * floats + 8 * longs) + "]}}",
                data.array());
        try (SafetensorsFile file = Safetensors.open(f)) {
            float[] read = file.read("f").data();
            assertThat(read).hasSize(floats);
            for (int i = 0; i < floats; i++) {
                if (read[i] != i) throw new AssertionError("float " + i + " read as " + read[i]);
            }
            long[] readLongs = file.readLongs("l");
            assertThat(readLongs).hasSize(longs);
            for (int i = 0; i < longs; i++) {
                if (readLongs[i] != 3L * i - 7) throw new AssertionError("long " + i + " read as " + readLongs[i]);
            }
        }
    }

    @Test
    void writesHalfPrecisionRoundedToNearest() throws IOException {
        Path f16 = dir.resolve("h.safetensors"), bf16 = dir.resolve("b.safetensors");
        StateDict sd = new StateDict().put(NamedTensor.of("x", new float[] {0.1f, -1.5f, 70000f, 1e-8f}, 4));
        Safetensors.write(f16, sd, Map.of(), DType.F16);
        Safetensors.write(bf16, sd, Map.of(), DType.BF16);
        assertThat(Safetensors.read(f16).get("x").data()).containsExactly(0.0999755859375f, -1.5f, Float.POSITIVE_INFINITY, 0f);
        // bf16 keeps 8 significant bits: 0.1 → 0.10009765625 (round to nearest even)
        assertThat(Safetensors.read(bf16).get("x").data()).containsExactly(0.10009765625f, -1.5f, 70144f, 1.0011717677116394E-8f);
        assertThat(Files.size(f16) - Files.size(bf16)).isZero();
    }

    @Test
    void truncatedFileNamesTheTensor() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, sample());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 4);
        }
        assertThatThrownBy(() -> Safetensors.read(f))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("tensor 'b'")
                .hasMessageContaining("the file is cut short");
    }

    @Test
    void headerLengthLargerThanFileFailsBeforeAllocating() throws IOException {
        Path f = dir.resolve("lying.safetensors");
        ByteBuffer bb = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}        ".getBytes());
        Files.write(f, bb.array());
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("header length 1000 is larger than the 10 bytes");

        Path huge = dir.resolve("huge.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> Safetensors.read(huge)).hasMessageContaining("header length 1099511627776 is outside");

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.read(tiny)).hasMessageContaining("too short");
    }

    @Test
    void offsetsOutOfRangeAndHugeShapeFailWithoutAllocating() throws IOException {
        Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}}", new byte[16]);
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("tensor 'w'").hasMessageContaining("reach past the end");
        Path g = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[100000000000],\"data_offsets\":[0,400000000000]}}", new byte[16]);
        assertThatThrownBy(() -> Safetensors.read(g)).hasMessageContaining("tensor 'w'").hasMessageContaining("reach past the end");
    }

    @Test
    void shapeTimesDtypeSizeMustMatchOffsets() throws IOException {
        Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("tensor 'w': F32 [3] needs 12 bytes but data_offsets [0, 8] span 8");
    }

    @Test
    void overlappingOffsetsAndHolesAreRejected() throws IOException {
        Path overlap = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertThatThrownBy(() -> Safetensors.read(overlap)).hasMessageContaining("'a' [0, 8) and 'b' [4, 12) overlap");
        Path hole = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]);
        assertThatThrownBy(() -> Safetensors.read(hole)).hasMessageContaining("bytes [4, 8)").hasMessageContaining("before 'b'");
        Path trailing = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[12]);
        assertThatThrownBy(() -> Safetensors.read(trailing)).hasMessageContaining("8 bytes after the last tensor");
    }

    @Test
    void malformedHeadersAreRejectedWithTheReason() throws IOException {
        assertThatThrownBy(() -> Safetensors.read(raw("{\"a\": {\"dtype\":", new byte[0]))).hasMessageContaining("not well-formed JSON");
        assertThatThrownBy(() -> Safetensors.read(raw("[1,2]", new byte[0]))).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> Safetensors.read(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]))).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> Safetensors.read(raw("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1])))
                .hasMessageContaining("tensor 'a': unsupported dtype 'Q4'");
        assertThatThrownBy(() -> Safetensors.read(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4])))
                .hasMessageContaining("tensor 'a': 'shape' entry -1 is not a non-negative integer");
        assertThatThrownBy(() -> Safetensors.read(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])))
                .hasMessageContaining("tensor 'a': missing array field 'data_offsets'");
        assertThatThrownBy(() -> Safetensors.read(raw("{\"__metadata__\":{\"n\":3}}", new byte[0])))
                .hasMessageContaining("'__metadata__' value for 'n' must be a string");
    }

    @Test
    void failedWriteLeavesNothingUnderTheFinalName() throws IOException {
        Path target = dir.resolve("out.bin");
        assertThatThrownBy(() -> AtomicFiles.write(target, temp -> {
            Files.write(temp, new byte[100]);
            throw new IOException("disk full (simulated)");
        })).hasMessageContaining("disk full");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void ndArrayRoundTrip() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            NamedTensor t = sample().get("b");
            ai.djl.ndarray.NDArray a = t.toNDArray(m);
            assertThat(a.getShape().getShape()).containsExactly(2, 3);
            assertThat(NamedTensor.fromNDArray("b", a)).isEqualTo(t);
        }
    }

    @Test
    void randomCorruptionEitherReadsOrFailsCleanly() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Safetensors.write(good, sample(), Map.of("format", "pt"), DType.F16);
        byte[] original = Files.readAllBytes(good);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2024);
        Path bad = dir.resolve("bad.safetensors");
        int rejected = 0;
        for (int trial = 0; trial < 400; trial++) {
            byte[] b = original.clone();
            int edits = 1 + rnd.nextInt(3);
            for (int e = 0; e < edits; e++) {
                // mostly the length prefix and the header, where a lie does damage
                int pos = rnd.nextInt(4) == 0 ? rnd.nextInt(8) : rnd.nextInt(b.length);
                b[pos] = (byte) rnd.nextInt(256);
            }
            int cut = rnd.nextInt(5) == 0 ? rnd.nextInt(b.length) : b.length;
            Files.write(bad, java.util.Arrays.copyOf(b, cut));
            try {
                StateDict sd = Safetensors.read(bad);
                for (NamedTensor t : sd.tensors()) assertThat(t.data().length).isLessThanOrEqualTo(cut);
            } catch (SafetensorsException expected) {
                assertThat(expected.getMessage()).startsWith(bad.toString());
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(100);
    }

    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bb = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(h.length).put(h).put(data);
        Path f = Files.createTempFile(dir, "raw", ".safetensors");
        Files.write(f, bb.array());
        return f;
    }

    @SuppressWarnings("unused")
    private static List<String> names(StateDict sd) {
        return List.copyOf(sd.names());
    }
}
