package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.model.blocks.BookInitialization;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorMemoryTest {

    @Test
    void arraysMadeFromJavaDataAreToldApartAndCopiedIntoLibtorchsMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray fromJava = m.create(new float[] {1.5f, -2f, 3f});
            assertThat(TensorMemory.javaBacked(fromJava)).isTrue(); // a view of a Java direct buffer
            assertThat(TensorMemory.javaBacked(m.zeros(new Shape(3)))).isFalse();
            fromJava.setName("w");
            NDArray owned = TensorMemory.owned(fromJava);
            assertThat(TensorMemory.javaBacked(owned)).isFalse();
            assertThat(owned.toFloatArray()).containsExactly(1.5f, -2f, 3f);
            assertThat(owned.getName()).isEqualTo("w");
            assertThat(fromJava.isReleased()).isTrue();
            assertThat(TensorMemory.owned(owned)).isSameAs(owned);

            NDArray half = TensorMemory.scalar(m, 0.5);
            assertThat(TensorMemory.javaBacked(half)).isFalse();
            assertThat(half.getShape()).isEqualTo(new Shape());
            assertThat(owned.mul(half).toFloatArray()).containsExactly(0.75f, -1f, 1.5f);

            // the trainer's rule: Java-backed arrays move to the outer scope, the others close with the inner one
            NDManager outer = m.newSubManager();
            NDManager inner = outer.newSubManager();
            NDArray ids = inner.create(new long[] {1, 2, 3});
            NDArray product = inner.zeros(new Shape(2));
            TensorMemory.keepJavaBacked(inner, outer);
            inner.close();
            assertThat(product.isReleased()).isTrue();
            assertThat(ids.isReleased()).isFalse();
            assertThat(ids.toLongArray()).containsExactly(1L, 2L, 3L);
            outer.close();
            assertThat(ids.isReleased()).isTrue();
        }
    }

    @Test
    void copyIntoReplacesEveryValueOfAParameterInPlace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.zeros(new Shape(2, 3));
            p.setRequiresGradient(true);
            TensorMemory.copyInto(p, new float[] {1, 2, 3, 4, 5, 6});
            assertThat(p.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);

            ByteBuffer little = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer big = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
            for (int i = 0; i < 6; i++) {
                little.putFloat(-i - 0.5f);
                big.putFloat(i * 10f);
            }
            TensorMemory.copyInto(p, little.flip());
            assertThat(p.toFloatArray()).containsExactly(-0.5f, -1.5f, -2.5f, -3.5f, -4.5f, -5.5f);
            TensorMemory.copyInto(p, big.flip());
            assertThat(p.toFloatArray()).as("the buffer's own byte order is read").containsExactly(0, 10, 20, 30, 40, 50);
            assertThat(p.hasGradient()).isTrue();
        }
    }

    @Test
    void aViewThatIsNotContiguousIsStillWrittenThroughNdArrayOperations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray base = manager.arange(6f).reshape(2, 3);
            NDArray view = base.transpose();
            assertThat(TensorMemory.writesThrough(view)).isFalse();
            TensorMemory.copyInto(view, new float[] {9, 8, 7, 6, 5, 4});
            assertThat(view.toFloatArray()).containsExactly(9, 8, 7, 6, 5, 4);
        }
    }

    @Test
    void theWrongNumberOfValuesIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.zeros(new Shape(2, 2));
            assertThatThrownBy(() -> TensorMemory.copyInto(p, new float[3]))
                    .hasMessage("got 3 values for a tensor of shape (2, 2) (4 values)");
            assertThatThrownBy(() -> TensorMemory.copyInto(p, ByteBuffer.allocate(10)))
                    .hasMessageContaining("whole number of 4-byte values, got 10 bytes");
        }
    }

    /**
     * Loading weights and the book's initialization print nothing from libtorch. Checked in a fresh
     * JVM, since libtorch's deprecation warning comes once per process; the same program's plain
     * {@code NDArray.set} shows that the warning is seen when it is printed.
     */
    @Test
    void loadingAModelPrintsNoLibtorchWarning(@TempDir Path dir) throws Exception {
        assertThat(childStderr(dir, "load")).doesNotContain("AutoNonVariableTypeMode").contains("loaded");
        assertThat(childStderr(dir, "set")).contains("AutoNonVariableTypeMode");
    }

    private static String childStderr(Path dir, String mode) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true"));
        cmd.addAll(List.of(Child.class.getName(), mode, dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DJL_OFFLINE", "true");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return err;
    }

    /** The child JVM: saves and loads a small GPT-2, or sets an array the plain way. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[1]);
            if (args[0].equals("set")) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    manager.zeros(new Shape(3)).set(new float[] {1, 2, 3});
                }
            } else {
                GptConfig config = new GptConfig(40, 16, 16, 2, 4, 0.0, false, false);
                try (GptModel model = GptModel.create(config, 3)) {
                    BookInitialization.apply(model, 123);
                    org.llmworkbench.model.io.HfGpt2Layout.save(dir, PretrainedGpt2.toCheckpoint(model));
                }
                try (GptModel loaded = PretrainedGpt2.load(dir)) {
                    System.err.println("loaded " + loaded.parameterCount());
                }
            }
        }
    }
}
