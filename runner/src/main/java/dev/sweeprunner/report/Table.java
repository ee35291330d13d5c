package dev.sweeprunner.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A tidy table: one row per observation, one column per variable. Cells are already formatted
 * (Locale.ROOT numbers, "" when missing); a numeric column is written as numbers in JSON.
 */
public record Table(List<Column> columns, List<List<String>> rows) {
    public record Column(String name, boolean numeric) {}

    public Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(row.size() + " cells for " + columns.size() + " columns");
            }
        }
    }

    public List<String> header() {
        return columns.stream().map(Column::name).toList();
    }

    /** Collects columns, then rows in the same order. */
    public static final class Builder {
        private final List<Column> columns = new ArrayList<>();
        private final List<List<String>> rows = new ArrayList<>();

        public Builder text(String name) {
            columns.add(new Column(name, false));
            return this;
        }

        public Builder number(String name) {
            columns.add(new Column(name, true));
            return this;
        }

        public Builder row(List<String> cells) {
            rows.add(cells);
            return this;
        }

        public Table build() {
            return new Table(columns, rows);
        }
    }
}
