package org.llmworkbench.notebook;

/**
 * Holds nothing. Every notebook cell is compiled with {@code import static
 * org.llmworkbench.notebook.FoldAnchor.*;}, and that import line is where the engine adds the
 * imports of the classes its variables were folded into ({@link VariableFolding}). It is public only
 * so that the cells' compilations can name it.
 */
public final class FoldAnchor {
    private FoldAnchor() {}
}
