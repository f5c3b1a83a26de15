package dev.autost.cli.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import dev.autost.messaging.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost serve --secure} as a user starts it, in a child JVM: it prints where its client
 * properties are, never a secret, and its own services work over the SASL_SSL listener: a
 * search that only submits and follows ({@code --no-local-services}) is served by them.
 */
class ServeSecureIT {
    private static final Pattern BOOTSTRAP =
            Pattern.compile("running against (127\\.0\\.0\\.1:\\d+) \\(embedded broker\\)");
    /** A secret-like run: 32 or more hex digits (the generated passwords are 48). */
    private static final Pattern HEX_RUN = Pattern.compile("[0-9a-f]{32,}");

    @TempDir
    Path dir;

    @AfterEach
    void plainClients() {
        KafkaClients.useConfig(Map.of());
    }

    @Test
    void serveSecure_printsTheClientPropertiesPathAndItsServicesServeASearchOverSaslSsl() throws Exception {
        Path data = dir.resolve("kafka-data");
        Path log = dir.resolve("serve.log");
        Process serve = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.autost.cli.Main",
                        "serve",
                        "--secure",
                        "--kafka-data",
                        data.toString(),
                        "--no-http")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            String out = ChildOutput.await(serve, log, "Ctrl-C stops");
            Path clientProperties = data.toAbsolutePath().resolve("client.properties");
            assertTrue(out.contains("client properties in " + clientProperties), out);
            assertFalse(HEX_RUN.matcher(out).find(), "a secret-like string was printed:\n" + out);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(clientProperties)));
            Matcher bootstrap = BOOTSTRAP.matcher(out);
            assertTrue(bootstrap.find(), out);

            CliRun search = CliRun.run(
                    null,
                    "search",
                    "--bootstrap-servers",
                    bootstrap.group(1),
                    "--kafka-config",
                    clientProperties.toString(),
                    "--no-local-services",
                    "--space",
                    "fashion-micro",
                    "--population",
                    "20",
                    "--generations",
                    "2",
                    "--no-progress",
                    "--out",
                    dir.resolve("out").toString());
            assertEquals(0, search.exitCode(), search.err() + "\nserve:\n" + Files.readString(log));
            assertTrue(search.out().contains("through Kafka: 60 candidates scored in 3 generations"), search.out());
        } finally {
            serve.destroy();
            if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }
}
