package org.llmworkbench.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads comma-separated text as RFC 4180 writes it: fields in double quotes may hold commas, line
 * breaks and doubled quotes; records end at LF or CRLF; blank lines are skipped.
 */
public final class CsvRows {
    private CsvRows() {}

    /** The records of {@code text}; {@code where} names the source in the error for an unclosed quote (with the record's number). */
    public static List<List<String>> parse(String text, String where) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                if (any || field.length() > 0) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                any = false;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (quoted) throw new IllegalArgumentException(where + ":" + (rows.size() + 1) + ": a quoted field is not closed (file truncated?)");
        if (any || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
