package org.llmworkbench.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.knowm.xchart.XYChart;
import org.llmworkbench.model.blocks.Activations;

/** Charts of the GPT's building blocks. */
public final class BlockCharts {
    private BlockCharts() {}

    /** GELU and ReLU over [-3, 3], the book's figure 4.8. */
    public static XYChart geluVsRelu() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.linspace(-3f, 3f, 121);
            XYChart chart = Charts.line("GELU vs ReLU", "x", "activation");
            Charts.addLine(chart, "GELU", x.toFloatArray(), Activations.gelu(x).toFloatArray());
            Charts.addLine(chart, "ReLU", x.toFloatArray(), Activations.relu(x).toFloatArray());
            return chart;
        }
    }
}
