package dev.sweeprunner.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.sweeprunner.records.EpochsCsv;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVPrinter;

/** How a {@link Table} is written: markdown for people, CSV for pandas, JSON for programs. */
public enum TableFormat {
    MD {
        @Override
        public void writeOut(Table table, Writer out) throws IOException {
            out.write("| " + String.join(" | ", table.header()) + " |\n");
            StringBuilder rule = new StringBuilder("|");
            table.columns().forEach(c -> rule.append(c.numeric() ? "---:|" : "---|"));
            out.write(rule + "\n");
            for (List<String> row : table.rows()) {
                out.write("| " + String.join(" | ", row.stream().map(TableFormat::escapeMarkdown).toList()) + " |\n");
            }
            out.flush();
        }
    },
    CSV {
        @Override
        public void writeOut(Table table, Writer out) throws IOException {
            CSVPrinter printer = new CSVPrinter(out, EpochsCsv.FORMAT);
            printer.printRecord(table.header());
            for (List<String> row : table.rows()) {
                printer.printRecord(row);
            }
            printer.flush();
        }
    },
    JSON {
        @Override
        public void writeOut(Table table, Writer out) throws IOException {
            JsonGenerator json = new JsonFactory().createGenerator(out)
                    .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .setPrettyPrinter(new DefaultPrettyPrinter());
            json.writeStartArray();
            for (List<String> row : table.rows()) {
                json.writeStartObject();
                for (int i = 0; i < row.size(); i++) {
                    Table.Column column = table.columns().get(i);
                    String cell = row.get(i);
                    json.writeFieldName(column.name());
                    if (cell.isEmpty() && column.numeric()) {
                        json.writeNull();
                    } else if (column.numeric()) {
                        json.writeNumber(cell); // already a plain Locale.ROOT number
                    } else {
                        json.writeString(cell);
                    }
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeRaw('\n');
            json.flush();
        }
    };

    public abstract void writeOut(Table table, Writer out) throws IOException;

    /** File extension and CLI name. */
    public String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static String escapeMarkdown(String cell) {
        return cell.replace("|", "\\|");
    }
}
