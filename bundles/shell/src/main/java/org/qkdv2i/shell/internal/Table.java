package org.qkdv2i.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: text left-aligned, numbers right-aligned, a header
 * line and a dashed rule. Output for operators' terminals, so ASCII only.
 */
final class Table {

    private final String[] headers;
    /** A column is right-aligned when it holds numbers and nothing but numbers or "-". */
    private final boolean[] numbers;
    private final boolean[] text;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers.clone();
        this.numbers = new boolean[headers.length];
        this.text = new boolean[headers.length];
    }

    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length + " columns");
        }
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] == null ? "-" : cells[i].toString().replaceAll("\\s+", " ");
            if (cells[i] instanceof Number) {
                numbers[i] = true;
            } else if (!"-".equals(text[i])) {
                this.text[i] = true;
            }
        }
        rows.add(text);
        return this;
    }

    int size() {
        return rows.size();
    }

    /** The table, or {@code empty} if it has no rows. Lines end with '\n', no trailing blanks. */
    String render(String empty) {
        if (rows.isEmpty()) {
            return empty + "\n";
        }
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width);
        String[] rule = new String[headers.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(sb, rule, width);
        for (String[] row : rows) {
            line(sb, row, width);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            line.append(numbers[i] && !text[i] ? pad + cells[i] : cells[i] + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
