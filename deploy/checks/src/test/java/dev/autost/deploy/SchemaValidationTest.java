package dev.autost.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Schema validation of the rendered overlays with the OpenAPI schemas of the npm packages in
 * deploy/checks/schema (core Kubernetes, KEDA, Prometheus operator; Strimzi has no such
 * package). Needs kubectl, node and {@code npm install --no-audit --no-fund --prefix deploy/checks/schema}; skipped with
 * a message otherwise, since a test must not download.
 */
class SchemaValidationTest {

    @ParameterizedTest(name = "overlay {0}")
    @ValueSource(strings = {"laptop", "gpu"})
    void renderedOverlay_validAgainstSchemas(String overlay) throws Exception {
        Path schema = Manifests.deployDir().resolve("checks/schema");
        Assumptions.assumeTrue(Manifests.kubectl().isPresent(), "kubectl not on PATH");
        Path node = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Path.of(d, "node"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(node != null, "node not on PATH: schema validation skipped");
        Assumptions.assumeTrue(
                Files.isDirectory(schema.resolve("node_modules/kubernetes-models")),
                "schema packages missing: run `npm install --no-audit --no-fund --prefix deploy/checks/schema` to validate");
        Path rendered = Files.createTempFile("rendered-" + overlay, ".yaml");
        try {
            Process k = new ProcessBuilder(
                            Manifests.kubectl().get().toString(),
                            "kustomize",
                            Manifests.deployDir().resolve("overlays/" + overlay).toString())
                    .redirectOutput(rendered.toFile())
                    .start();
            assertTrue(k.waitFor(60, TimeUnit.SECONDS) && k.exitValue() == 0, "kubectl kustomize " + overlay);
            Process v = new ProcessBuilder(node.toString(), "validate.mjs")
                    .directory(schema.toFile())
                    .redirectInput(rendered.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(v.waitFor(60, TimeUnit.SECONDS), "validator timed out");
            System.out.print(out);
            assertEquals(0, v.exitValue(), out);
            long ok = out.lines().filter(l -> l.startsWith("OK ")).count();
            assertTrue(ok >= 13, "too few documents validated:\n" + out);
        } finally {
            Files.deleteIfExists(rendered);
        }
    }
}
