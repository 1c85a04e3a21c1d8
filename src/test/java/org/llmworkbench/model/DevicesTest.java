package org.llmworkbench.model;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevicesTest {
    @Test
    void cpuByDefaultGpuOnlyWhenPresent() {
        assertThat(Devices.choose("cpu")).isEqualTo(Device.cpu());
        assertThat(Devices.choose(null)).isEqualTo(Device.cpu());
        if (Devices.gpuCount() == 0) {
            assertThat(Devices.choose("auto")).isEqualTo(Device.cpu());
            assertThatThrownBy(() -> Devices.choose("gpu")).hasMessageContaining("finds no GPU")
                    .hasMessageContaining("pytorch-native-cu");
        } else {
            assertThat(Devices.choose("auto")).isEqualTo(Device.gpu());
            assertThat(Devices.choose("GPU")).isEqualTo(Device.gpu());
        }
        assertThatThrownBy(() -> Devices.choose("tpu")).hasMessageContaining("cpu, gpu or auto");
    }

    @Test
    void devicesAreNamedAsTheDeviceOptionSpellsThem() {
        assertThat(Devices.name(Device.cpu())).isEqualTo("cpu");
        assertThat(Devices.name(Device.gpu())).isEqualTo("gpu");
        assertThat(Devices.name(Device.gpu(1))).isEqualTo("gpu1");
    }

    @Test
    void kvCacheRejectsABatchChangeMidSequence() {
        GptConfig cfg = new GptConfig(20, 8, 8, 1, 2, 0.0, false, false);
        try (GptModel model = GptModel.create(cfg, 1); KvCache cache = new KvCache(model);
             ai.djl.ndarray.NDManager step = model.manager().newSubManager()) {
            model.forward(step.create(new long[] {1, 2}, new ai.djl.ndarray.types.Shape(1, 2)), cache, true);
            assertThatThrownBy(() -> model.forward(step.create(new long[] {1, 2}, new ai.djl.ndarray.types.Shape(2, 1)),
                    cache, true)).hasMessageContaining("batch size");
            cache.clear();
            assertThat(model.forward(step.create(new long[] {1, 2}, new ai.djl.ndarray.types.Shape(2, 1)), cache, true)
                    .getShape().get(0)).isEqualTo(2);
        }
    }
}
