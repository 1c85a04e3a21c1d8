package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchTrainCommandTest {

    @Test
    void theRatioOfSeveralRoundsIsTheirMedian() {
        assertThat(BenchTrainCommand.median(List.of(1.2, 0.9, 1.0))).isEqualTo(1.0);
        assertThat(BenchTrainCommand.median(List.of(1.0, 2.0))).isEqualTo(1.5);
        assertThat(BenchTrainCommand.median(List.of(0.86))).isEqualTo(0.86);
    }

    /** The shakespeare-char shape trains a few steps: 65 characters, so the first losses sit near ln 65 = 4.17. */
    @Test
    void charCaseTrainsTheShakespeareCharShape() throws Exception {
        CliRun run = CliRun.of("bench", "train", "--cases", "char", "--steps", "2", "--warmup", "1", "--drift-steps", "0");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.lastJson().get("bench").asText()).isEqualTo("train");
        JsonNode c = run.lastJson().get("char");
        assertThat(c.get("batch").asInt()).isEqualTo(12);
        assertThat(c.get("context").asInt()).isEqualTo(64);
        assertThat(c.get("timed_steps").asInt()).isEqualTo(2);
        assertThat(c.get("model").asText()).contains("vocabSize=65").contains("activation=GELU]");
        assertThat(c.get("final_loss").asDouble()).isCloseTo(Math.log(65), within(0.5));
        assertThat(run.lastJson().get("openmp").get("OMP_WAIT_POLICY").asText()).isNotEmpty();
        assertThat(run.lastJson().get("twin_openmp").asText()).isEqualTo("default");
    }

    /** Debian 12's OpenBLAS falls back to its SSE3 kernels on an Emerald Rapids Xeon (family 6, model 207). */
    @Test
    void theTwinGetsKernelsForTheCpuWhenOpenBlasFallsBackToOldOnes() {
        Set<String> emeraldRapids = Set.of("sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq",
                "avx512vl", "avx512_bf16");
        assertThat(PyTorchTwin.coreIn("Core: Prescott\n")).isEqualTo("Prescott");
        assertThat(PyTorchTwin.coreIn("no verbose line")).isNull();
        assertThat(PyTorchTwin.betterCore("Prescott", emeraldRapids)).isEqualTo("SkylakeX");
        assertThat(PyTorchTwin.betterCore("Sandybridge", Set.of("avx", "avx2", "fma"))).isEqualTo("Haswell");
        assertThat(PyTorchTwin.betterCore("Haswell", emeraldRapids)).as("OpenBLAS knew an AVX2 core: its choice stands").isNull();
        assertThat(PyTorchTwin.betterCore("Zen", emeraldRapids)).isNull();
        assertThat(PyTorchTwin.betterCore("Prescott", Set.of("sse3", "avx"))).as("no AVX2: Prescott is right").isNull();
        assertThat(PyTorchTwin.betterCore(null, emeraldRapids)).as("not OpenBLAS").isNull();
    }

    @Test
    void anUnknownTwinOpenMpSettingIsRefused() {
        CliRun run = CliRun.of("bench", "train", "--cases", "char", "--twin-openmp", "fast", "--pytorch");
        assertThat(run.code()).isNotZero();
        assertThat(run.out() + run.err()).contains("--twin-openmp must be default or ours, got 'fast'");
    }

    @Test
    void zeroRoundsIsRefused() {
        CliRun run = CliRun.of("bench", "train", "--cases", "char", "--rounds", "0", "--pytorch");
        assertThat(run.code()).isNotZero();
        assertThat(run.out() + run.err()).contains("--rounds must be >= 1, got 0");
    }
}
