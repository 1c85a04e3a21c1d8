package org.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * {@code workbench bench kernel --soak}: 300 re-runs of a 20-cell pattern in a fresh kernel must not
 * slow it down or grow its heap. The slowdown is asserted on the kernel's CPU time (which does not count
 * waiting for a core), with margin over the 1.25x target for 1,000 cells; round trips only against a
 * gross regression, because this machine's two cores are shared and a median of 100 round trips moves
 * by tens of percent when other work lands on them.
 */
class BenchKernelSoakTest {
    @Test
    void threeHundredRerunsStayFlatAndTheFiguresEndInOneJsonLine() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        CliRun r = CliRun.of("bench", "kernel", "--soak", "300", "--workload", "rerun", "--threads", "1", "--classpath", cp);
        assertThat(r.code()).as(r.err()).isZero();
        System.out.println(r.out());
        JsonNode json = r.lastJson();
        assertThat(json.get("bench").asText()).isEqualTo("kernel-soak");
        assertThat(json.get("cells").asInt()).isEqualTo(300);
        assertThat(json.get("rerun_warmup_cells").asInt()).isBetween(200, 400);
        assertThat(json.get("rerun_first100_ms_median").asDouble()).isPositive();
        // the kernel's own CPU time is what must stay flat; round trips also count waiting for a shared core
        assertThat(json.get("rerun_first100_cpu_ms").asDouble()).isPositive();
        assertThat(json.get("rerun_cpu_ratio").asDouble()).as("kernel CPU, last/first 100 cells").isLessThan(1.4);
        assertThat(json.get("rerun_first100_engine_cpu_ms").asDouble()).as("the engine's threads' share")
                .isPositive().isLessThanOrEqualTo(json.get("rerun_first100_cpu_ms").asDouble());
        assertThat(json.get("rerun_engine_cpu_ratio").asDouble()).as("engine threads' CPU, last/first 100 cells").isLessThan(1.4);
        assertThat(json.get("rerun_first100_jit_cpu_ms").asDouble()).isNotNegative();
        assertThat(json.get("rerun_ratio").asDouble()).as("last/first 100 round trip medians").isLessThan(2.5);
        assertThat(json.get("rerun_heap_growth_mb").asDouble()).as("heap in use after GC, growth").isLessThan(32);
        assertThat(json.get("rerun_heap_after_gc_mb_before").asDouble()).isPositive();
        assertThat(json.get("rerun_rss_mb_after").asDouble()).isGreaterThan(json.get("rerun_heap_after_gc_mb_after").asDouble());
        assertThat(json.get("rerun_early_state_kept").asBoolean()).as("v3 still holds its last value").isTrue();
        assertThat(json.has("distinct_ratio")).isFalse();
    }

    @Test
    void soakArgumentsAreChecked() {
        CliRun workload = CliRun.of("bench", "kernel", "--soak", "300", "--workload", "all-day");
        assertThat(workload.code()).isNotZero();
        assertThat(workload.err()).contains("--workload must be rerun, distinct or both, got 'all-day'");
        CliRun tooFew = CliRun.of("bench", "kernel", "--soak", "150");
        assertThat(tooFew.code()).isNotZero();
        assertThat(tooFew.err()).contains("soak cells must be in 200..1000000, got 150");
    }
}
