package org.llmworkbench.notebook;

import java.util.Map;

/** Raw HTML shown in Jupyter (text/html, with a text/plain fallback). */
public record Html(String html) implements Displayable {
    @Override
    public DisplayData toDisplayData() {
        return new DisplayData(Map.of("text/html", html, "text/plain", html.replaceAll("<[^>]+>", "")));
    }
}
