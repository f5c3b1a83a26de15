package dev.autost.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the domain what the architecture says it is: plain Java that services adapt, with no
 * messaging, web, training engine or wire format in it, and packages that depend on each other
 * in one direction only.
 */
class ArchitectureTest {
    private static final JavaClasses DOMAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.autost.domain");

    @Test
    void domain_dependsOnNoKafkaVertxDjlOrProtobuf() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.kafka..", "io.vertx..", "ai.djl..", "com.google.protobuf..", "dev.autost.proto..")
                .check(DOMAIN);
    }

    @Test
    void domain_usesNoOtherAutostModule() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.autost.messaging..",
                        "dev.autost.models..",
                        "dev.autost.cli..",
                        "dev.autost.api..",
                        "dev.autost.sampler..",
                        "dev.autost.scorer..",
                        "dev.autost.evaluator..",
                        "dev.autost.trainer..")
                .check(DOMAIN);
    }

    @Test
    void domainPackages_haveNoCycles() {
        slices().matching("dev.autost.domain.(*)..").should().beFreeOfCycles().check(DOMAIN);
    }
}
