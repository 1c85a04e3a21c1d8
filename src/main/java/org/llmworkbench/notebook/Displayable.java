package org.llmworkbench.notebook;

/** Implemented by library objects that know how to show themselves in a notebook (run cards, reports). */
public interface Displayable {
    DisplayData toDisplayData();
}
