package org.llmworkbench.viz;

import org.llmworkbench.data.SlidingWindowDataset;
import org.llmworkbench.text.Tokenizer;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Arrays;

/** How next-token examples are cut from a token stream, as tables. */
public final class WindowTables {
    private WindowTables() {}

    /**
     * The book's walk-through of one window: for each length {@code n}, the first {@code n} ids are
     * the context and id {@code n} is what the model should predict next.
     */
    public static Table nextTokenSteps(String title, Tokenizer tokenizer, int[] window) {
        if (window.length < 2) throw new IllegalArgumentException("a window needs at least 2 ids (a context and a target), got " + window.length);
        StringColumn contextIds = StringColumn.create("context ids");
        IntColumn next = IntColumn.create("→ next id");
        StringColumn contextText = StringColumn.create("context text");
        StringColumn nextText = StringColumn.create("→ next text");
        for (int n = 1; n < window.length; n++) {
            int[] context = Arrays.copyOf(window, n);
            contextIds.append(Arrays.toString(context));
            next.append(window[n]);
            contextText.append(Tokenizer.visible(tokenizer.decode(context)));
            nextText.append(Tokenizer.visible(tokenizer.decode(new int[] {window[n]})));
        }
        return Table.create(title, contextIds, next, contextText, nextText);
    }

    /**
     * One row per stride: how many windows of {@code maxLength} the ids give, how many ids two
     * neighbouring windows share, and the first windows' ids.
     */
    public static Table strides(String title, int[] ids, int maxLength, int... strides) {
        IntColumn stride = IntColumn.create("stride");
        IntColumn windows = IntColumn.create("windows");
        IntColumn shared = IntColumn.create("ids shared with the next window");
        StringColumn first = StringColumn.create("first three inputs");
        for (int s : strides) {
            SlidingWindowDataset data = new SlidingWindowDataset(ids, maxLength, s);
            stride.append(s);
            windows.append(data.size());
            shared.append(Math.max(0, maxLength - s));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(3, data.size()); i++) sb.append(i > 0 ? " " : "").append(Arrays.toString(data.input(i)));
            first.append(sb.toString());
        }
        return Table.create(title, stride, windows, shared, first);
    }
}
