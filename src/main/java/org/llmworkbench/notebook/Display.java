package org.llmworkbench.notebook;

import java.util.UUID;

/** The helpers a notebook cell calls; statically imported into every cell. */
public final class Display {
    private Display() {}

    /** Shows an object inline: charts and images as PNG, Tablesaw tables as HTML, anything else as text. */
    public static DisplayHandle display(Object value) {
        return display(value, UUID.randomUUID().toString());
    }

    /** Shows an object under a display id; {@link DisplayHandle#update} redraws it in place. */
    public static DisplayHandle display(Object value, String displayId) {
        OutputCapture.flush();
        CurrentCell.sink().display(Renderer.render(value), displayId);
        return new DisplayHandle(displayId);
    }

    /** Shows rendered Markdown; null shows nothing (an empty Markdown output, as IPython's {@code Markdown(None)}). */
    public static void markdown(String text) {
        display(new Markdown(text));
    }

    /** Shows raw HTML; null shows nothing (an empty HTML output, as IPython's {@code HTML(None)}). */
    public static void html(String html) {
        display(new Html(html));
    }

    /** Clears this cell's output now (IPython's {@code clear_output()}). */
    public static void clearOutput() {
        clearOutput(false);
    }

    /**
     * Clears this cell's output; with {@code wait}, only when the next output arrives, so a loop
     * that prints a fresh progress line or chart each step replaces the old one without flicker.
     */
    public static void clearOutput(boolean wait) {
        OutputCapture.flush();
        CurrentCell.sink().clearOutput(wait);
    }
}
