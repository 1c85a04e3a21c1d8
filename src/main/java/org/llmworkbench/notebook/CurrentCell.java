package org.llmworkbench.notebook;

/**
 * The output sink of the cell now running. Cells run one at a time per JVM (the engine holds a lock),
 * so a single volatile slot is enough; with no cell running, output goes to the console.
 */
final class CurrentCell {
    private static volatile OutputSink sink;

    private CurrentCell() {}

    static OutputSink sink() {
        OutputSink s = sink;
        return s != null ? s : OutputSink.console();
    }

    static void set(OutputSink s) {
        sink = s;
    }
}
