package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class NativeBlasTest {
    @Test
    void choiceIsMadeBeforeLibtorchAndPublished() throws Exception {
        String d = NativeBlas.describe();
        assertEquals(d, System.getProperty(NativeBlas.PROPERTY));
        String setting = System.getenv("WORKBENCH_BLAS");
        boolean amdWithOpenBlas = Files.readString(Path.of("/proc/cpuinfo")).contains("AuthenticAMD")
                && Files.isRegularFile(Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"));
        if ("mkl".equals(setting)) {
            assertTrue(d.startsWith("oneMKL (libtorch's own), as WORKBENCH_BLAS=mkl asks"), d);
            assertFalse(NativeBlas.usingOpenBlas());
        } else if (amdWithOpenBlas && (setting == null || setting.equals("openblas") || setting.equals("auto"))) {
            // EngineFirst ran before any test loaded libtorch, so OpenBLAS must be in front
            assertTrue(d.startsWith("OpenBLAS ("), d);
            assertTrue(NativeBlas.usingOpenBlas());
        } else if (setting == null) {
            // the default, auto: oneMKL on Intel processors and where no OpenBLAS is installed (a fresh CI machine)
            assertTrue(d.startsWith("oneMKL"), d);
            assertEquals(d.contains("Intel") || d.contains("no OpenBLAS found") || d.contains("not an x86-64"), true, d);
        } else {
            assertTrue(d.startsWith("OpenBLAS (") || d.startsWith("oneMKL"), d);
        }
    }

    @Test
    void matrixProductsEqualAPlainJavaProductWhicheverBlasAnswers() {
        int m = 67, k = 129, n = 301; // odd sizes: edge tiles of the GEMM kernels
        Random r = new Random(7);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray c = manager.create(a, new ai.djl.ndarray.types.Shape(m, k))
                    .matMul(manager.create(b, new ai.djl.ndarray.types.Shape(k, n)));
            float[] got = c.toFloatArray();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double want = 0;
                    for (int x = 0; x < k; x++) want += (double) a[i * k + x] * b[x * n + j];
                    assertEquals(want, got[i * n + j], 1e-4 * Math.max(1, Math.abs(want)), "c[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void anUnknownChoiceIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBlas.validate("fastest"));
        assertTrue(e.getMessage().contains("WORKBENCH_BLAS") && e.getMessage().contains("fastest"), e.getMessage());
        assertDoesNotThrow(() -> NativeBlas.validate("auto"));
        assertDoesNotThrow(() -> NativeBlas.validate("MKL"));
        assertDoesNotThrow(() -> NativeBlas.validate("/opt/lib/libopenblas.so"));
    }
}
