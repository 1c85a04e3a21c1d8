package org.llmworkbench.notebook;

import java.util.Map;

/**
 * Raw HTML shown in Jupyter (text/html, with a text/plain fallback). No HTML (null) shows as empty,
 * as IPython's {@code HTML(None)} does. The text/plain fallback (what `jupyter console` and text-only
 * front ends show) keeps the HTML's line breaks ({@code <br>}, the end of a paragraph, row, list item or
 * block) as new lines and turns the common character entities back into their characters.
 */
public record Html(String html) implements Displayable {
    public Html {
        html = html == null ? "" : html;
    }

    @Override
    public DisplayData toDisplayData() {
        return new DisplayData(Map.of("text/html", html, "text/plain", plainText(html)));
    }

    /** The text of {@code html}: tags dropped, line breaks kept, entities decoded. */
    static String plainText(String html) {
        String text = html.replaceAll("(?i)<br\\s*/?>|</(p|div|li|tr|h[1-6])>(?!$)", "\n")
                .replaceAll("<[^>]+>", "");
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&amp;", "&");
    }
}
