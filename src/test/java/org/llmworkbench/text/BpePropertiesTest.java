package org.llmworkbench.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** Generated text: our GPT-2 ids equal jtokkit's, and decode(encode(s)) == s. */
class BpePropertiesTest {

    static final Encoding JTOKKIT = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    final BpeTokenizer gpt2 = Tokenizers.gpt2();
    final BpeTokenizer trained = new BpeTrainer(BpeTrainer.Config.of(600)).train(
            "the quick brown fox jumps over the lazy dog's back, doesn't it? 1234 — ünïcödé 😀 text\n\n  done.");

    @Property(tries = 1000, seed = "20261124")
    void idsEqualJtokkitAndRoundTrip(@ForAll("texts") String s) {
        int[] ids = gpt2.encodeOrdinary(s);
        assertThat(ids).containsExactly(JTOKKIT.encodeOrdinary(s).toArray());
        assertThat(gpt2.decode(ids)).isEqualTo(s);
        assertThat(trained.decode(trained.encodeOrdinary(s))).isEqualTo(s);
    }

    @Property(tries = 1000, seed = "20261124")
    void idsEqualJtokkitForAnyJavaString(@ForAll @StringLength(max = 40) String s) {
        assertThat(gpt2.encodeOrdinary(s)).containsExactly(JTOKKIT.encodeOrdinary(s).toArray());
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Integer> anyCodePoint = Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF);
        Arbitrary<Integer> ascii = Arbitraries.integers().between(0, 127);
        Arbitrary<Integer> whitespace = Arbitraries.of(0x20, 0x20, 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x1C, 0x85, 0xA0, 0x1680,
                0x2003, 0x2028, 0x2029, 0x202F, 0x3000);
        Arbitrary<Integer> control = Arbitraries.integers().between(0, 0x1F);
        Arbitrary<Integer> emoji = Arbitraries.of(0x1F600, 0x1F469, 0x200D, 0x1F467, 0xFE0F, 0x1F3FD, 0x2764, 0x1F1E9, 0x1F1EA);
        Arbitrary<Integer> wordish = Arbitraries.of("'sdtmlvreEAxyz0123456789½Ⅻé".codePoints().boxed().toArray(Integer[]::new));
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, anyCodePoint), net.jqwik.api.Tuple.of(4, ascii), net.jqwik.api.Tuple.of(3, whitespace),
                net.jqwik.api.Tuple.of(1, control), net.jqwik.api.Tuple.of(2, emoji), net.jqwik.api.Tuple.of(4, wordish));
        return cp.list().ofMaxSize(60).map(BpePropertiesTest::fromCodePoints);
    }

    static String fromCodePoints(List<Integer> cps) {
        StringBuilder sb = new StringBuilder();
        cps.forEach(sb::appendCodePoint);
        return sb.toString();
    }
}
