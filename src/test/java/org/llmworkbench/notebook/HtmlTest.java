package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
    private static String plain(String html) {
        return new Html(html).toDisplayData().data().get("text/plain");
    }

    @Test
    void thePlainTextFallbackKeepsLineBreaks() {
        // LiveTraining's status: three lines in one div; the fallback ran them together ("389 tokens/sstep 288")
        assertThat(plain("<div style=\"font-family:monospace\">done after 288 steps · 389 tokens/s<br>step 288: train 0.702"
                + "<br><i>step 288: Every effort moves you</i></div>"))
                .isEqualTo("done after 288 steps · 389 tokens/s\nstep 288: train 0.702\nstep 288: Every effort moves you");
        assertThat(plain("<p>one</p><p>two</p>")).isEqualTo("one\ntwo");
        assertThat(plain("a<br/>b<BR />c")).isEqualTo("a\nb\nc");
    }

    @Test
    void thePlainTextFallbackDecodesEntities() {
        assertThat(plain("&lt;|endoftext|&gt; &amp;lt; &quot;x&quot; it&#39;s")).isEqualTo("<|endoftext|> &lt; \"x\" it's");
        assertThat(plain(null)).isEmpty();
        assertThat(plain("<b>bold</b>")).isEqualTo("bold");
    }
}
