package org.llmworkbench.viz;

import ai.djl.ndarray.NDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small tensors as a reader checks them against the book: four decimals, as PyTorch prints, either
 * as one line of text or as a table with the tokens as row and column labels.
 */
public final class TensorTables {
    private TensorTables() {}

    /**
     * Values to four decimals in nested brackets: {@code [0.9544, 1.4950, …]}, {@code [[…], […]]};
     * integer tensors (token ids) as integers.
     */
    public static String format(NDArray a) {
        return format(a, 4);
    }

    public static String format(NDArray a, int decimals) {
        boolean integers = a.getDataType().isInteger();
        double[] values;
        try (NDArray copy = a.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
            values = copy.toDoubleArray();
        }
        long[] shape = a.getShape().getShape();
        StringBuilder sb = new StringBuilder();
        append(sb, values, shape, 0, 0, integers ? "%.0f" : "%." + decimals + "f");
        return sb.toString();
    }

    private static int append(StringBuilder sb, double[] values, long[] shape, int axis, int offset, String pattern) {
        if (axis == shape.length) {
            String text = String.format(Locale.ROOT, pattern, values[offset]);
            sb.append(text.matches("-0\\.?0*") ? text.substring(1) : text); // -0.0000 is rounding, not a sign
            return offset + 1;
        }
        sb.append('[');
        for (long i = 0; i < shape[axis]; i++) {
            if (i > 0) sb.append(axis == shape.length - 1 ? ", " : ",\n" + " ".repeat(axis + 1));
            offset = append(sb, values, shape, axis + 1, offset, pattern);
        }
        sb.append(']');
        return offset;
    }

    /** A [rows, cols] tensor as a table, four decimals; labels name the rows and columns. */
    public static Table matrix(String title, NDArray m, List<String> rowLabels, List<String> columnLabels) {
        long[] shape = m.getShape().getShape();
        if (shape.length != 2) throw new IllegalArgumentException("matrix needs a [rows, cols] tensor, got " + m.getShape());
        if (rowLabels.size() != shape[0] || columnLabels.size() != shape[1]) {
            throw new IllegalArgumentException("labels (" + rowLabels.size() + " rows, " + columnLabels.size()
                    + " columns) must match the tensor's shape " + m.getShape());
        }
        float[] values;
        try (NDArray copy = m.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
            values = copy.toFloatArray();
        }
        List<Column<?>> columns = new ArrayList<>();
        columns.add(StringColumn.create("", rowLabels));
        for (int c = 0; c < shape[1]; c++) {
            double[] column = new double[(int) shape[0]];
            for (int r = 0; r < shape[0]; r++) column[r] = values[(int) (r * shape[1] + c)];
            columns.add(fourDecimals(DoubleColumn.create(columnLabels.get(c), column)));
        }
        return Table.create(title, columns.toArray(new Column<?>[0]));
    }

    static DoubleColumn fourDecimals(DoubleColumn column) {
        column.setPrintFormatter(new DecimalFormat("0.0000", DecimalFormatSymbols.getInstance(Locale.ROOT)), "");
        return column;
    }
}
