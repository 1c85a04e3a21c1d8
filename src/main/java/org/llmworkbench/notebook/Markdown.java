package org.llmworkbench.notebook;

import java.util.Map;

/** Markdown text shown rendered in Jupyter (text/markdown, with a text/plain fallback). */
public record Markdown(String text) implements Displayable {
    @Override
    public DisplayData toDisplayData() {
        return new DisplayData(Map.of("text/markdown", text, "text/plain", text));
    }
}
