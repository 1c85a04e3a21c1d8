package org.llmworkbench.notebook;

import java.util.ArrayList;
import java.util.List;

/** Collects everything a cell sends, for assertions. */
class RecordingSink implements OutputSink {
    final StringBuilder out = new StringBuilder();
    final StringBuilder err = new StringBuilder();
    final List<DisplayData> displays = new ArrayList<>();
    final List<String> displayIds = new ArrayList<>();
    final List<DisplayData> updates = new ArrayList<>();

    @Override public synchronized void stdout(String text) { out.append(text); }
    @Override public synchronized void stderr(String text) { err.append(text); }
    @Override public synchronized void display(DisplayData data, String displayId) {
        displays.add(data);
        displayIds.add(displayId);
    }
    @Override public synchronized void updateDisplay(DisplayData data, String displayId) { updates.add(data); }
}
