package org.llmworkbench.notebook;

import java.util.Map;

/** The runner's view of which datasets a notebook read, for its run card. */
final class DatasetsHook {
    private DatasetsHook() {}

    static void clear() {
    }

    static Map<String, String> resolved() {
        return Map.of();
    }
}
