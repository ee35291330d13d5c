package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sweeprunner.Golden;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * report.html without a browser: one file with three inline scripts and nothing fetched, data that
 * parses back to the report's own numbers (sealed by a golden file), and text that cannot end the
 * data's script element. `make browser-check` runs the page itself.
 */
@ExtendWith(Golden.CommaDecimalLocale.class)
class ReportHtmlTest {
    private static final Pattern DATA = Pattern.compile(
            "<script id=\"" + ReportHtml.DATA_ID + "\" type=\"application/json\">\n(.*?)\n</script>", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Report.Results fixtures(String experiment, String description) {
        List<TrialSummary> trials = ReportFixtures.summaries();
        return new Report.Results(experiment, description, trials, Group.of(trials));
    }

    private static String page(Report.Results results) throws IOException {
        StringWriter out = new StringWriter();
        ReportHtml.write(out, results);
        return out.toString();
    }

    private static JsonNode data(String html) throws IOException {
        Matcher m = DATA.matcher(html);
        assertTrue(m.find(), "the page embeds its data");
        return JSON.readTree(m.group(1));
    }

    @Test
    void oneFileWithInlineScriptsAndNothingToFetch() throws IOException {
        String html = page(fixtures("fixture", "Hand-made trials."));
        assertTrue(html.startsWith("<!DOCTYPE html>\n"), html.substring(0, 40));
        assertTrue(html.endsWith("</html>\n"));
        assertEquals(3, count(html, "<script"), "library, data and the page's script");
        assertEquals(3, count(html, "</script>"));
        assertTrue(html.contains("Chart.js v" + ReportHtml.chartJsVersion()), "the library is inlined");
        assertFalse(html.contains("sourceMappingURL"), "no source map to look for");
        assertFalse(Pattern.compile("<(script|link|img|iframe)[^>]*\\s(src|href)=").matcher(html).find(),
                "nothing loaded from outside the file");
        for (String slot : List.of(ReportHtml.LIBRARY_SLOT, ReportHtml.DATA_SLOT, ReportHtml.APP_SLOT)) {
            assertFalse(html.contains(slot), slot + " replaced");
        }
    }

    /** The numbers the page shows are the report's: CNN 83.00 ± 3.61 over seeds, as report.md has it. */
    @Test
    void dataIsTheReportsAggregation() throws IOException {
        JsonNode data = data(page(fixtures("fixture", "")));
        assertEquals(5, data.get("trials").asInt());
        assertEquals(4, data.get("completed").asInt());
        JsonNode cnn = family(data, "CNN").get("points").get(0);
        assertEquals(83.0, cnn.get("acc").asDouble(), 1e-9);
        assertEquals(100 * Stats.of(List.of(0.80, 0.82, 0.87)).std(), cnn.get("accStd").asDouble(), 1e-9);
        assertEquals(3, cnn.get("n").asInt());
        assertTrue(family(data, "FCN").get("points").get(0).get("accStd").isNull(), "n = 1 has no spread");
        assertEquals(List.of("FCN", "CNN"), data.get("comparisons").findValuesAsText("family"),
                "families in the registry's report order, as comparison.md lists them");
        assertEquals(4, data.get("curves").size(), "the failed trial has no epochs to draw");
        assertEquals(5, data.get("confusions").size(), "CNN: last (= best); FCN: last and best");
        JsonNode trialTable = data.get("trialTable");
        assertEquals(5, trialTable.get("rows").size());
        assertTrue(trialTable.toString().contains("\"failed\""), "failed trials are listed");
    }

    @Test
    void embeddedDataIsGolden() throws IOException {
        JsonNode data = data(page(fixtures("fixture", "Hand-made trials.")));
        Golden.assertMatches("report-data.json",
                JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(data) + "\n");
    }

    static Stream<Arguments> hostileText() {
        return Stream.of(
                Arguments.of("closing script tag", "</script><script>alert(1)</script>"),
                Arguments.of("upper-case closing tag", "</SCRIPT>"),
                Arguments.of("html comment opener", "<!-- <script>"),
                Arguments.of("ampersand and quotes", "a & b \"c\" 'd'"),
                Arguments.of("line separators", "line\u2028separator\u2029"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileText")
    void textCannotEndTheDataScript(String name, String text) throws IOException {
        String html = page(fixtures(text, text));
        String lower = html.toLowerCase(java.util.Locale.ROOT);
        assertEquals(3, count(lower, "</script"), "only the page's own scripts end");
        assertEquals(0, count(lower, "<!--"), "no comment opens inside a script");
        JsonNode data = data(html);
        assertEquals(text, data.get("experiment").asText());
        assertEquals(text, data.get("description").asText());
    }

    @Test
    void regenerationIsByteStable() throws IOException {
        assertEquals(page(fixtures("fixture", "")), page(fixtures("fixture", "")),
                "no timestamps: an unchanged directory keeps its report.html");
    }

    private static JsonNode family(JsonNode data, String name) {
        for (JsonNode f : data.get("accuracy")) {
            if (f.get("family").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no family " + name);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
