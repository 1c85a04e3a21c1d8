package org.llmworkbench.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class RendererTableTest {
    private static Table rows(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = 1000 + i;
        return Table.create("t", IntColumn.create("id", ids));
    }

    @Test
    void aTableUpToTheLimitShowsEveryRowAsTextToo() {
        // 01's sentence table has 21 rows: the text dropped row 10 for "..." while the HTML showed all 21
        String text = Renderer.table(rows(21)).data().get("text/plain");
        for (int i = 0; i < 21; i++) assertThat(text).contains(String.valueOf(1000 + i));
        assertThat(text).doesNotContain("...");
        String forty = Renderer.table(rows(Renderer.MAX_TABLE_ROWS)).data().get("text/plain");
        assertThat(forty).contains("1039").doesNotContain("...");
    }

    @Test
    void aLongerTableIsCutInTheMiddleInBothForms() {
        var data = Renderer.table(rows(100)).data();
        assertThat(data.get("text/plain")).contains("1000", "1099", "...").doesNotContain("1050");
        assertThat(data.get("text/html")).contains("60 more rows");
    }
}
