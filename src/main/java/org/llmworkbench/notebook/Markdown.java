package org.llmworkbench.notebook;

import java.util.Map;

/**
 * Markdown text shown rendered in Jupyter (text/markdown, with a text/plain fallback). No text (null)
 * shows as empty, as IPython's {@code Markdown(None)} does.
 */
public record Markdown(String text) implements Displayable {
    public Markdown {
        text = text == null ? "" : text;
    }

    @Override
    public DisplayData toDisplayData() {
        return new DisplayData(Map.of("text/markdown", text, "text/plain", text));
    }
}
