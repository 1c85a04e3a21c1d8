package org.llmworkbench.model;

import org.llmworkbench.model.io.NamedTensor;
import org.llmworkbench.model.reference.ReferenceGpt;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorTest {
    private static final GptConfig TINY = new GptConfig(61, 12, 32, 2, 4, 0.1, true, false);
    private static GptModel model;

    @BeforeAll
    static void build() {
        model = GptModel.create(TINY, 2024);
        // Larger weights than the 0.02 init so the logits are peaked and the sampled ids vary.
        java.util.Random r = new java.util.Random(3);
        java.util.Map<String, NamedTensor> state = new java.util.HashMap<>();
        model.stateDict().forEach((name, p) -> {
            float[] v = new float[(int) p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = name.endsWith("scale") ? 1f : (float) (r.nextGaussian() * 0.5);
            }
            state.put(name, new NamedTensor(name, p.getShape().getShape(), v));
        });
        model.loadStateDict(state);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Greedy tokens by recomputing the whole window with the plain-Java reference. */
    private static int[] referenceGreedy(int[] prompt, int n) {
        return referenceGreedy(model, prompt, n);
    }

    private static int[] referenceGreedy(GptModel model, int[] prompt, int n) {
        ReferenceGpt ref = TestWeights.reference(model);
        List<Integer> seq = new ArrayList<>();
        for (int id : prompt) seq.add(id);
        int[] out = new int[n];
        for (int s = 0; s < n; s++) {
            int from = Math.max(0, seq.size() - TINY.contextLength());
            int[] window = seq.subList(from, seq.size()).stream().mapToInt(Integer::intValue).toArray();
            double[][] logits = ref.logits(window);
            double[] last = logits[logits.length - 1];
            int best = 0;
            for (int j = 1; j < last.length; j++) if (last[j] > last[best]) best = j;
            out[s] = best;
            seq.add(best);
        }
        return out;
    }

    @Test
    void greedyMatchesReferenceWithAndWithoutCacheIncludingSlidingPastContext() {
        int[] prompt = {3, 14, 15, 9, 26};
        int n = 20; // 5 + 20 > context 12: the window slides
        int[] expected = referenceGreedy(prompt, n);
        GenerationResult cached = Generator.generate(model, prompt, GenerationConfig.greedy(n));
        GenerationResult plain = Generator.generate(model, prompt, GenerationConfig.greedy(n).withKvCache(false));
        assertThat(plain.newTokens()).containsExactly(expected);
        assertThat(cached.newTokens()).containsExactly(expected);
        assertThat(cached.stopReason()).isEqualTo("max-tokens");
        assertThat(java.util.Arrays.stream(expected).distinct().count()).isGreaterThan(1);
    }

    @Test
    void exactGeluModelGivesTheSameGreedyTokensWithAndWithoutCache() {
        try (GptModel exact = GptModel.create(TINY.withActivation(GptConfig.Activation.GELU), 1)) {
            exact.loadStateDict(model.parameters()); // the same weights as the tanh model
            int[] prompt = {3, 14, 15, 9, 26};
            int n = 20;
            int[] expected = referenceGreedy(exact, prompt, n);
            GenerationResult cached = Generator.generate(exact, prompt, GenerationConfig.greedy(n));
            GenerationResult plain = Generator.generate(exact, prompt, GenerationConfig.greedy(n).withKvCache(false));
            assertThat(plain.newTokens()).containsExactly(expected);
            assertThat(cached.newTokens()).containsExactly(expected);
            assertThat(java.util.Arrays.stream(expected).distinct().count()).isGreaterThan(1);
        }
    }

    @Test
    void seededSamplingIsReproducibleAndCacheDoesNotChangeIt() {
        int[] prompt = {1, 2, 3};
        GenerationConfig cfg = new GenerationConfig(15, 1.3, 10, 0.95, new int[0], 77, true);
        int[] a = Generator.generate(model, prompt, cfg).newTokens();
        int[] b = Generator.generate(model, prompt, cfg).newTokens();
        int[] noCache = Generator.generate(model, prompt, cfg.withKvCache(false)).newTokens();
        int[] other = Generator.generate(model, prompt, cfg.withSeed(78)).newTokens();
        assertThat(b).containsExactly(a);
        assertThat(noCache).containsExactly(a);
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void topKOneIsGreedyAndTinyTopPIsGreedy() {
        int[] prompt = {7, 8};
        int[] greedy = Generator.generate(model, prompt, GenerationConfig.greedy(8)).newTokens();
        int[] topK1 = Generator.generate(model, prompt, GenerationConfig.sampling(8, 2.0, 1, 1.0, 5)).newTokens();
        int[] topPTiny = Generator.generate(model, prompt, GenerationConfig.sampling(8, 1.0, 0, 1e-6, 5)).newTokens();
        assertThat(topK1).containsExactly(greedy);
        assertThat(topPTiny).containsExactly(greedy);
    }

    @Test
    void samplerRespectsTopKAndTopP() {
        float[] logits = {0f, 3f, 1f, 2.9f, -1f, 2.8f};
        TokenSampler topK = new TokenSampler(GenerationConfig.sampling(1, 1.0, 2, 1.0, 9));
        TokenSampler topP = new TokenSampler(GenerationConfig.sampling(1, 1.0, 0, 0.5, 9));
        java.util.Set<Integer> seenK = new java.util.TreeSet<>();
        java.util.Set<Integer> seenP = new java.util.TreeSet<>();
        for (int i = 0; i < 300; i++) {
            seenK.add(topK.next(logits));
            seenP.add(topP.next(logits));
        }
        assertThat(seenK).containsExactly(1, 3);
        // softmax: p(1)=.342, p(3)=.309, p(5)=.280, p(2)=.046 → 1 and 3 reach 0.5; 1, 3, 5 reach 0.9
        assertThat(seenP).containsExactly(1, 3);
        TokenSampler wider = new TokenSampler(GenerationConfig.sampling(1, 1.0, 0, 0.9, 9));
        java.util.Set<Integer> seenWide = new java.util.TreeSet<>();
        for (int i = 0; i < 300; i++) seenWide.add(wider.next(logits));
        assertThat(seenWide).containsExactly(1, 3, 5);
        assertThat(TokenSampler.argmax(logits)).isEqualTo(1);

        // a temperature so small that logits / temperature overflows still picks the most likely token
        TokenSampler icy = new TokenSampler(GenerationConfig.sampling(1, 1e-320, 0, 1.0, 9));
        for (int i = 0; i < 20; i++) assertThat(icy.next(logits)).isEqualTo(1);
    }

    @Test
    void stopTokenEndsGenerationAndStreamingSeesEveryToken() {
        int[] prompt = {3, 14, 15, 9, 26};
        int[] free = Generator.generate(model, prompt, GenerationConfig.greedy(10)).newTokens();
        int stop = free[3];
        int firstStop = 0;
        while (free[firstStop] != stop) firstStop++;
        List<Integer> streamed = new ArrayList<>();
        GenerationResult r = Generator.generate(model, prompt, GenerationConfig.greedy(10).withStopTokens(stop),
                streamed::add);
        assertThat(r.stopReason()).isEqualTo("stop-token");
        assertThat(r.newTokens()).containsExactly(java.util.Arrays.copyOf(free, firstStop));
        assertThat(streamed).containsExactlyElementsOf(java.util.Arrays.stream(r.newTokens()).boxed().toList());
    }

    @Test
    void longPromptIsLeftTruncatedNotACrash() {
        int[] prompt = new int[30];
        for (int i = 0; i < prompt.length; i++) prompt[i] = i % TINY.vocabSize();
        GenerationResult r = Generator.generate(model, prompt, GenerationConfig.greedy(4));
        assertThat(r.promptDropped()).isEqualTo(18);
        assertThat(r.promptTokens()).containsExactly(java.util.Arrays.copyOfRange(prompt, 18, 30));
        int[] sameTail = Generator.generate(model, r.promptTokens(), GenerationConfig.greedy(4)).newTokens();
        assertThat(r.newTokens()).containsExactly(sameTail);
    }

    @Test
    void generationLeavesNothingInTheModelManager() {
        int before = model.manager().getManagedArrays().size();
        Generator.generate(model, new int[] {1, 2, 3}, GenerationConfig.greedy(30));
        Generator.generate(model, new int[] {1, 2, 3}, GenerationConfig.greedy(5).withKvCache(false));
        assertThat(model.manager().getManagedArrays().size()).isEqualTo(before);
    }

    @Test
    void badPromptsAndConfigsFailClearly() {
        assertThatThrownBy(() -> Generator.generate(model, new int[0], GenerationConfig.greedy(3)))
                .hasMessageContaining("at least one token");
        assertThatThrownBy(() -> Generator.generate(model, new int[] {1, 99}, GenerationConfig.greedy(3)))
                .hasMessageContaining("position 1").hasMessageContaining("[0, 61)");
        assertThatThrownBy(() -> new GenerationConfig(-1, 0, 0, 1, null, 0, true)).hasMessageContaining("maxNewTokens");
        assertThatThrownBy(() -> new GenerationConfig(1, -0.5, 0, 1, null, 0, true)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new GenerationConfig(1, 1, -2, 1, null, 0, true)).hasMessageContaining("topK");
        assertThatThrownBy(() -> new GenerationConfig(1, 1, 0, 0, null, 0, true)).hasMessageContaining("topP");
        assertThatThrownBy(() -> GenerationConfig.sampling(1, 0, 0, 1, 0)).hasMessageContaining("greedy");

        assertThat(new GenerationResult(new int[] {1, 2}, 0, new int[] {3}, "max-tokens", 1_500_000, 3_000_000).toString())
                .isEqualTo("GenerationResult[promptTokens=[1, 2], promptDropped=0, newTokens=[3], stopReason=max-tokens, "
                        + "prefill 1.5 ms, total 3.0 ms]");

        assertThatThrownBy(() -> Generator.generate(model, new int[] {1}, GenerationConfig.greedy(3).withStopTokens(61)))
                .hasMessage("stop token 61 is outside the model's vocabulary [0, 61): generation could never stop on it");

        GptModel closed = GptModel.create(new GptConfig(20, 8, 8, 1, 2, 0.0, false, false), 1);
        closed.close();
        assertThatThrownBy(() -> Generator.generate(closed, new int[] {1}, GenerationConfig.greedy(2)))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("this GptModel was closed");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertThatThrownBy(() -> closed.forward(m.create(new long[] {1, 2}, new ai.djl.ndarray.types.Shape(1, 2))))
                    .hasMessageStartingWith("this GptModel was closed");
        }
    }
}
