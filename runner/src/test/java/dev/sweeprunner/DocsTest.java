package dev.sweeprunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.spec.Choice;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.TrialField;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README and docs/ stay readable and true: the README stays short, every relative link
 * (file and #anchor) resolves inside the repository, and the experiment file reference lists
 * every key of the field registry with the registry's default (and the data section's defaults
 * with the parser's). Markdown is parsed with commonmark-java, and anchors are generated the way
 * GitHub renders headings.
 */
class DocsTest {
    /** The README is the front page: past ~25 KB it turns back into a reference manual (docs/ holds that). */
    static final long README_MAX_BYTES = 25_000;
    /** What the reference writes in the default column of a field that has none. */
    static final String NO_DEFAULT = "—";
    /** A link with a scheme (https:, mailto:) leaves the repository and is not checked here. */
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    static Path root() {
        return Path.of(System.getProperty("runner.repoRoot", "..")).toAbsolutePath().normalize();
    }

    static Stream<String> pages() throws IOException {
        List<String> pages = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted()
                    .forEach(p -> pages.add(root().relativize(p).toString()));
        }
        return pages.stream();
    }

    @Test
    void readmeStaysShort() throws IOException {
        long size = Files.size(root().resolve("README.md"));
        assertTrue(size <= README_MAX_BYTES, "README.md is " + size + " bytes, over " + README_MAX_BYTES
                + ": move reference material into docs/");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void relativeLinksResolve(String page) throws IOException {
        List<String> broken = brokenLinks(root(), root().resolve(page));
        assertTrue(broken.isEmpty(), page + ": broken links:\n  " + String.join("\n  ", broken));
    }

    /** The checker itself, on a small tree: each case is a link and whether it must be reported. */
    @TestFactory
    Stream<DynamicTest> linkCheckerCatchesBrokenLinks(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("repo/docs"));
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside/notes.md"), "# Notes\n");
        Files.writeString(dir.resolve("repo/docs/other.md"), "# Other page\n\n## Section `two`, with (punctuation)\n");
        record Case(String name, String link, boolean broken) {}
        return Stream.of(
                new Case("file that exists", "docs/other.md", false),
                new Case("anchor of a heading", "docs/other.md#other-page", false),
                new Case("anchor with code and punctuation", "docs/other.md#section-two-with-punctuation", false),
                new Case("anchor on the same page", "#top-heading", false),
                new Case("external link", "https://djl.ai", false),
                new Case("missing file", "docs/missing.md", true),
                new Case("missing anchor", "docs/other.md#no-such-heading", true),
                new Case("missing anchor on the same page", "#nowhere", true),
                new Case("file outside the repository", "../outside/notes.md", true)
        ).map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path page = dir.resolve("repo/README.md");
            Files.writeString(page, "# Top heading\n\nSee [there](" + c.link() + ").\n");
            assertEquals(c.broken(), !brokenLinks(dir.resolve("repo"), page).isEmpty(), c.link());
        }));
    }

    /** One case per registry field: listed in docs/experiment-file.md with the registry's default. */
    @TestFactory
    Stream<DynamicTest> experimentFileReferenceMatchesTheRegistry() throws IOException {
        Map<String, String> documented = defaultsTable(root().resolve("docs/experiment-file.md"), "applies to");
        Set<String> registry = new HashSet<>();
        Stream<DynamicTest> fields = Arrays.stream(TrialField.values()).map(field -> {
            registry.add(field.key());
            return DynamicTest.dynamicTest(field.key(), () -> {
                assertTrue(documented.containsKey(field.key()),
                        "docs/experiment-file.md: the trial field table has no row for `" + field.key() + "`");
                String cell = documented.get(field.key());
                assertTrue(sameDefault(field, cell), "docs/experiment-file.md: `" + field.key() + "` default is '"
                        + cell + "', the registry's is " + field.defaultValue().map(DocsTest::display).orElse(NO_DEFAULT));
            });
        }).toList().stream();
        DynamicTest noStrays = DynamicTest.dynamicTest("no key outside the registry", () -> {
            List<String> strays = documented.keySet().stream().filter(k -> !registry.contains(k)).toList();
            assertTrue(strays.isEmpty(), "docs/experiment-file.md documents keys the registry lacks: " + strays);
        });
        return Stream.concat(fields, Stream.of(noStrays));
    }

    /** The data section's defaults, one case per key that has one. */
    @TestFactory
    Stream<DynamicTest> dataSectionDefaultsMatchTheParser() throws IOException {
        Map<String, String> documented = defaultsTable(root().resolve("docs/experiment-file.md"), "meaning");
        DataSettings defaults = DataSettings.defaults();
        Map<String, Object> expected = Map.of("val_fraction", defaults.valFraction(),
                "split_seed", defaults.splitSeed(), "normalize", defaults.normalize());
        return expected.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> DynamicTest.dynamicTest(
                e.getKey(), () -> assertTrue(sameDefault(Optional.of(e.getValue()), documented.get(e.getKey())),
                        "docs/experiment-file.md: data." + e.getKey() + " default is '" + documented.get(e.getKey())
                                + "', the parser's is " + display(e.getValue()))));
    }

    static boolean sameDefault(TrialField field, String cell) {
        return sameDefault(field.defaultValue(), cell);
    }

    static boolean sameDefault(Optional<Object> defaultValue, String cell) {
        if (cell == null) {
            return false;
        }
        if (defaultValue.isEmpty()) {
            return cell.equals(NO_DEFAULT);
        }
        Object value = defaultValue.get();
        if (value instanceof Number number) {
            try {
                return new BigDecimal(cell).compareTo(new BigDecimal(number.toString())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return cell.equals(display(value));
    }

    static String display(Object value) {
        return value instanceof Choice choice ? choice.yamlName() : String.valueOf(value);
    }

    /** Every link or image target of a page that does not resolve: "target (why)". */
    static List<String> brokenLinks(Path root, Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        PARSER.parse(Files.readString(page)).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                targets.add(link.getDestination());
                visitChildren(link);
            }

            @Override
            public void visit(Image image) {
                targets.add(image.getDestination());
            }
        });
        List<String> broken = new ArrayList<>();
        for (String target : targets) {
            if (SCHEME.matcher(target).find()) {
                continue;
            }
            int hash = target.indexOf('#');
            String file = hash < 0 ? target : target.substring(0, hash);
            Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
            if (!resolved.startsWith(root.normalize())) {
                broken.add(target + " (outside the repository: a clone does not have it)");
            } else if (!Files.exists(resolved)) {
                broken.add(target + " (no such file)");
            } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                broken.add(target + " (no heading with this anchor)");
            }
        }
        return broken;
    }

    /** The anchors GitHub gives a Markdown file's headings (lower case, punctuation dropped, -1 for repeats). */
    static Set<String> anchors(Path markdown) throws IOException {
        Set<String> anchors = new HashSet<>();
        if (!markdown.toString().endsWith(".md")) {
            return anchors;
        }
        IdGenerator ids = IdGenerator.builder().build();
        PARSER.parse(Files.readString(markdown)).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                anchors.add(ids.generateId(text(heading)));
            }
        });
        return anchors;
    }

    /**
     * The table with key, default and {@code marker} columns (trial fields: "applies to"; the data
     * section: "meaning"): key -> default cell.
     */
    static Map<String, String> defaultsTable(Path markdown, String marker) throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        PARSER.parse(Files.readString(markdown)).accept(new AbstractVisitor() {
            @Override
            public void visitChildren(Node parent) {
                if (parent instanceof TableBlock table) {
                    readTable(table, marker, rows);
                }
                super.visitChildren(parent);
            }
        });
        assertTrue(!rows.isEmpty(), markdown + ": no table with 'key', 'default' and '" + marker + "' columns");
        return rows;
    }

    private static void readTable(TableBlock table, String marker, Map<String, String> rows) {
        List<List<String>> cells = new ArrayList<>();
        List<String> header = null;
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                if (row instanceof TableRow) {
                    List<String> texts = new ArrayList<>();
                    for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                        if (cell instanceof TableCell) {
                            texts.add(text(cell).trim());
                        }
                    }
                    if (section instanceof TableHead) {
                        header = texts;
                    } else {
                        cells.add(texts);
                    }
                }
            }
        }
        if (header == null || !header.containsAll(List.of("key", "default", marker))) {
            return;
        }
        int key = header.indexOf("key");
        int defaultColumn = header.indexOf("default");
        for (List<String> row : cells) {
            rows.put(row.get(key), row.get(defaultColumn));
        }
    }

    /** The plain text of a node: its text and code spans, line breaks as spaces. */
    static String text(Node node) {
        StringBuilder text = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                text.append(t.getLiteral());
            }

            @Override
            public void visit(Code code) {
                text.append(code.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak lineBreak) {
                text.append(' ');
            }
        });
        return text.toString();
    }
}
