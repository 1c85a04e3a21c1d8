package org.llmworkbench.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PorterStemmerTest {

    // Porter's own examples plus NLTK's departures; expected stems are what NLTK 3.8's PorterStemmer() gives
    // (the stemmer rouge-score uses), produced with Debian's python3-nltk.
    private static final String WORDS = "caresses ponies ties caress cats feed agreed disabled matting mating meeting "
            + "milling messing meetings happy enjoy relational conditional rational valenci hesitanci digitizer "
            + "conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism "
            + "decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize "
            + "electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable "
            + "defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti "
            + "homologous effective bowdlerize probate rate cease controll roll generously running runs dies died "
            + "spied flies skies dying news proceed geology conditionally hopefully carelessly archaeology summaries "
            + "generalization";
    private static final String NLTK_STEMS = "caress poni tie caress cat feed agre disabl mat mate meet mill mess meet "
            + "happi enjoy relat condit ration valenc hesit digit conform radic differ vile analog vietnam predic oper "
            + "feudal decis hope callous formal sensit sensibl triplic form formal electr electr hope good reviv allow "
            + "infer airlin gyroscop adjust defens irrit replac adjust depend adopt homolog commun activ angular homolog "
            + "effect bowdler probat rate ceas control roll gener run run die die spi fli sky die news proceed geolog "
            + "condit hope carelessli archaeolog summari gener";

    @Test
    void matchesNltkOnPortersExamplesAndItsExtensions() {
        String[] words = WORDS.split(" ");
        String[] expected = NLTK_STEMS.split(" ");
        assertThat(words).hasSameSizeAs(expected);
        StringBuilder wrong = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            String got = PorterStemmer.stem(words[i]);
            if (!got.equals(expected[i])) wrong.append(words[i]).append(" -> ").append(got)
                    .append(" (NLTK: ").append(expected[i]).append(")\n");
        }
        assertThat(wrong.toString()).isEmpty();
    }

    @Test
    void shortWordsAreLeftAlone() {
        assertThat(PorterStemmer.stem("is")).isEqualTo("is");
        assertThat(PorterStemmer.stem("as")).isEqualTo("as");
    }
}
