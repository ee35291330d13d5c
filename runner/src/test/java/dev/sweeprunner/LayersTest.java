package dev.sweeprunner;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages follow the data flow (docs/architecture.md): experiment file -> spec -> plan ->
 * search (suggests trials) -> train (one trial) / sweep (many) -> records -> report, with the
 * CLI on top. A package may use the ones below it, never one above, so no import runs in a
 * circle and each stage can be changed without the ones before it. {@code records} (the formats on disk) is read by the
 * report and written by training; the report sees neither the plan nor the data loader.
 */
class LayersTest {
    private static final String ROOT = "dev.sweeprunner";

    @Test
    void noPackageUsesOneAboveIt() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("spec").definedBy(ROOT + ".spec..")
                .layer("plan").definedBy(ROOT + ".plan..")
                .layer("data").definedBy(ROOT + ".data..")
                .layer("records").definedBy(ROOT + ".records..")
                .layer("search").definedBy(ROOT + ".search..")
                .layer("train").definedBy(ROOT + ".train..")
                .layer("sweep").definedBy(ROOT + ".sweep..")
                .layer("report").definedBy(ROOT + ".report..")
                .layer("cli").definedBy(ROOT + ".cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("report").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("sweep").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("search").mayOnlyBeAccessedByLayers("sweep", "cli")
                .whereLayer("train").mayOnlyBeAccessedByLayers("sweep", "cli")
                .whereLayer("records").mayOnlyBeAccessedByLayers("search", "train", "sweep", "report", "cli")
                .whereLayer("data").mayOnlyBeAccessedByLayers("train", "sweep", "cli")
                .whereLayer("plan").mayOnlyBeAccessedByLayers("search", "train", "sweep", "cli")
                .check(classes);
    }
}
