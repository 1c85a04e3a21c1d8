package org.llmworkbench.notebook;

/** Where a running cell's output goes: the kernel publishes it, the runner stores it in the notebook. */
public interface OutputSink {
    void stdout(String text);

    void stderr(String text);

    /** A new display; {@code displayId} is null unless the cell asked for an updatable display. */
    void display(DisplayData data, String displayId);

    /** Replace the content of an earlier display with the same id. */
    void updateDisplay(DisplayData data, String displayId);

    /**
     * Clear what the cell has shown so far; with {@code wait}, only once it shows something new
     * (Jupyter's clear_output). A sink that cannot take output back, like a console, keeps it.
     */
    default void clearOutput(boolean wait) {}

    /**
     * A line the cell reads from System.in, without its line end; null at the end of input. The kernel
     * asks the frontend (Jupyter's input_request: a text box under the cell); elsewhere it is a line of
     * the JVM's own standard input.
     */
    default String readLine(String prompt, boolean password) throws java.io.IOException {
        if (!prompt.isEmpty()) stdout(prompt);
        return OutputCapture.readConsoleLine();
    }

    /** A sink that prints text forms to the JVM's console; used when no notebook is listening. */
    static OutputSink console() {
        return new OutputSink() {
            @Override public void stdout(String text) { OutputCapture.originalOut().print(text); }
            @Override public void stderr(String text) { OutputCapture.originalErr().print(text); }
            @Override public void display(DisplayData data, String id) { OutputCapture.originalOut().println(data.plainText()); }
            @Override public void updateDisplay(DisplayData data, String id) { display(data, id); }
        };
    }
}
