package dev.autost.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI's packages depend on each other in one direction: the root (the command tree, its error
 * handler and main) uses the commands' packages, never the other way round.
 */
class CliArchitectureTest {
    private static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.autost.cli");

    @Test
    void commandPackages_doNotDependOnTheRootPackage() {
        noClasses()
                .that()
                .resideInAPackage("dev.autost.cli.(*)..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.autost.cli")
                .check(CLI);
    }

    @Test
    void cliPackages_haveNoCycles() {
        slices().matching("dev.autost.cli.(*)..").should().beFreeOfCycles().check(CLI);
    }
}
