package org.llmworkbench.model;

import org.llmworkbench.model.decode.ShardedDecode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.llmworkbench.data.Batch;

class TokenTensorsTest {

    @Test
    void rowsAndBatchesBecomeInt64Tensors() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = TokenTensors.of(m, new int[] {6109, 3626}, new int[] {6109, 1110});
            assertThat(a.getShape()).isEqualTo(new Shape(2, 2));
            assertThat(a.getDataType()).isEqualTo(DataType.INT64);
            assertThat(a.toLongArray()).containsExactly(6109, 3626, 6109, 1110);
            Batch b = new Batch(new int[][] {{1, 2}}, new int[][] {{2, 3}}, new int[] {0});
            assertThat(TokenTensors.targets(m, b).toLongArray()).containsExactly(2, 3);
            assertThatThrownBy(() -> TokenTensors.of(m, new int[] {1, 2}, new int[] {3}))
                    .hasMessageContaining("row 1 has 1 ids, row 0 has 2");
        }
    }

    @Test
    void decodeThreadsSetsTheSwitchForTheWorkOnlyAndRestoresIt() {
        assertThat(System.getProperty(ShardedDecode.PROPERTY)).isNull();
        GptConfig config = GptConfig.preset("workshop-tiny");
        int inside = DecodeThreads.with(1, () -> Integer.parseInt(System.getProperty(ShardedDecode.PROPERTY)));
        assertThat(inside).isEqualTo(1);
        assertThat(System.getProperty(ShardedDecode.PROPERTY)).isNull();
        assertThatThrownBy(() -> DecodeThreads.with(0, () -> 1)).hasMessageContaining("threads must be >= 1");
    }
}
