package org.llmworkbench.model.io;

import java.util.Map;
import java.util.SplittableRandom;

/** A seeded random GPT-2 checkpoint in Hugging Face names, small enough to write in milliseconds. */
final class TinyGpt2 {
    static final HfGpt2Config CONFIG = new HfGpt2Config(50, 16, 8, 2, 2, 1e-5, true);

    private TinyGpt2() {}

    static StateDict hfWeights(HfGpt2Config config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        StateDict sd = new StateDict();
        for (Map.Entry<String, long[]> e : HfGpt2Layout.hfShapes(config).entrySet()) {
            long n = NamedTensor.numel(e.getValue(), e.getKey());
            float[] data = new float[(int) n];
            for (int i = 0; i < data.length; i++) data[i] = (float) rnd.nextGaussian() * 0.02f;
            sd.put(new NamedTensor(e.getKey(), e.getValue(), data));
        }
        return sd;
    }
}
