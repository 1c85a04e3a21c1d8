package org.llmworkbench.notebook;

import java.util.Map;

/**
 * Raw HTML shown in Jupyter (text/html, with a text/plain fallback). No HTML (null) shows as empty,
 * as IPython's {@code HTML(None)} does.
 */
public record Html(String html) implements Displayable {
    public Html {
        html = html == null ? "" : html;
    }

    @Override
    public DisplayData toDisplayData() {
        return new DisplayData(Map.of("text/html", html, "text/plain", html.replaceAll("<[^>]+>", "")));
    }
}
