package org.llmworkbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import org.junit.jupiter.api.Test;
import org.llmworkbench.datasets.Datasets;

import java.nio.file.Files;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LossesTest {

    private static double referenceCrossEntropy(float[] logits, long[] targets, int vocab, int ignore) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == ignore) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) max = Math.max(max, logits[i * vocab + j]);
            double z = 0;
            for (int j = 0; j < vocab; j++) z += Math.exp(logits[i * vocab + j] - max);
            sum -= logits[i * vocab + (int) targets[i]] - max - Math.log(z);
            count++;
        }
        return sum / count;
    }

    @Test
    void matchesPlainJavaWithIgnoredTargets() {
        Random r = new Random(1);
        int batch = 3, tokens = 5, vocab = 11;
        float[] logits = new float[batch * tokens * vocab];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 3);
        long[] targets = new long[batch * tokens];
        for (int i = 0; i < targets.length; i++) targets[i] = r.nextInt(vocab);
        targets[4] = -100;
        targets[9] = -100;
        targets[14] = -100;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(logits, new Shape(batch, tokens, vocab));
            NDArray t = m.create(targets, new Shape(batch, tokens));
            double got = Losses.crossEntropy(l, t, -100).getFloat();
            assertThat(got).isCloseTo(referenceCrossEntropy(logits, targets, vocab, -100), within(1e-5));
            // Ignored positions do not count: changing their logits changes nothing.
            logits[4 * vocab] += 50;
            double again = Losses.crossEntropy(m.create(logits, new Shape(batch, tokens, vocab)), t, -100).getFloat();
            assertThat(again).isCloseTo(got, within(1e-6));
            assertThatThrownBy(() -> Losses.crossEntropy(l, m.create(new long[15], new Shape(15)).add(11), -100))
                    .hasMessageContaining("outside the vocabulary");
            assertThatThrownBy(() -> Losses.crossEntropy(l, m.create(new long[4], new Shape(4)), -100))
                    .hasMessageContaining("one target per position");
        }
    }

    @Test
    void untrainedGpt2SmallIsNearUniformOnRealText() throws Exception {
        String text = Files.readString(Datasets.resolve("the-verdict"));
        IntArrayList encoded = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE)
                .encode(text.substring(0, 2000));
        int n = 33;
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = encoded.get(i);
        GptConfig cfg = GptConfig.preset("gpt2-small").withContextLength(64).withNLayers(2);
        try (GptModel model = GptModel.create(cfg, 123); NDManager step = model.manager().newSubManager()) {
            NDArray all = step.create(ids, new Shape(1, n));
            NDArray inputs = all.get(":, :{}", n - 1);
            NDArray targets = all.get(":, 1:");
            double ce = Losses.crossEntropy(model.forward(inputs), targets).getFloat();
            assertThat(ce).isBetween(10.7, 11.1);
            assertThat(Math.log(50_257)).isCloseTo(10.825, within(0.001));
        }
    }
}
