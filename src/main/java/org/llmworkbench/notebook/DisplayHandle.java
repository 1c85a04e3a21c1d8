package org.llmworkbench.notebook;

/** An updatable display: a training cell shows a chart once and redraws it as the loss comes in. */
public final class DisplayHandle implements Displayable {
    private final String id;

    DisplayHandle(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Redraws the display in place. */
    public DisplayHandle update(Object value) {
        OutputCapture.flush();
        CurrentCell.sink().updateDisplay(Renderer.render(value), id);
        return this;
    }

    /** Shows nothing: a handle as the last expression of a cell should not print itself. */
    @Override
    public DisplayData toDisplayData() {
        return new DisplayData(java.util.Map.of());
    }

    @Override
    public String toString() {
        return "DisplayHandle[" + id + "]";
    }
}
