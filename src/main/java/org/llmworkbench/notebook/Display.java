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

    /** Shows rendered Markdown. */
    public static void markdown(String text) {
        display(new Markdown(text));
    }

    /** Shows raw HTML. */
    public static void html(String html) {
        display(new Html(html));
    }
}
