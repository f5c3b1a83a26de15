package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.cli.CliRun;
import dev.autost.messaging.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost search} over a SASL_SSL embedded broker: with {@code --secure} its own services
 * go through the secure listener (the broker has no other), a search joining it with the
 * written client properties runs, and one without them, or with a wrong password, is refused
 * within seconds by a message that names the address and the fix.
 */
class SecureSearchIT {
    /** A refused client used to wait out the 60 s topic timeout; this bound is generous for a loaded machine. */
    private static final long REFUSAL_BOUND_MS = 20_000;

    @TempDir
    static Path shared;

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSecureBroker() {
        broker = EmbeddedKafkaBroker.builder()
                .optDataDir(shared.resolve("kafka-data"))
                .optSecure()
                .build()
                .start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** --kafka-config holds for the rest of the process; the next test starts plain. */
    @AfterEach
    void plainClients() {
        KafkaClients.useConfig(Map.of());
    }

    @Test
    void search_secure_runsThroughItsSaslSslBrokerAndRanksAsOffline() throws Exception {
        Path data = dir.resolve("kafka-data");
        CliRun k = search(
                dir.resolve("kafka"), "--secure", "--kafka-data", data.toString(), "--experiment-id", "secure-run");
        assertEquals(0, k.exitCode(), k.err());
        Path clientProperties = data.toAbsolutePath().resolve("client.properties");
        assertTrue(
                k.err().contains("embedded broker on SASL_SSL at 127.0.0.1:")
                        && k.err().contains("client properties in " + clientProperties),
                k.err());
        assertTrue(k.out().contains("through Kafka: "), k.out());
        String password = passwordIn(clientProperties);
        assertFalse(k.err().contains(password) || k.out().contains(password), "the password is never printed");
        assertEquals(Map.of(), KafkaClients.config(), "the broker's client properties end with the search");

        // The data dir restarts secure without --secure (same CA, user and port), so report reads it.
        CliRun report = CliRun.run(
                null,
                "report",
                "--kafka-data",
                data.toString(),
                "--experiment",
                "secure-run",
                "--out",
                dir.resolve("charts").toString());
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(report.out().contains("for secure-run (60 candidates"), report.out());

        CliRun o = search(dir.resolve("offline"), "--offline");
        assertEquals(0, o.exitCode(), o.err());
        assertEquals(
                Files.readString(dir.resolve("offline").resolve("results.json")),
                Files.readString(dir.resolve("kafka").resolve("results.json")));
    }

    @Test
    void search_joiningWithTheWrittenClientProperties_runs() {
        Path clientProperties = broker.clientProperties().orElseThrow();
        CliRun r = search(
                dir.resolve("out"),
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--kafka-config",
                clientProperties.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("kafka: " + broker.bootstrapServers() + " ready in"), r.out());
    }

    @Test
    void search_joiningWithoutClientProperties_refusedQuicklyNamingTheFix() {
        long begin = System.nanoTime();
        CliRun r = search(dir.resolve("out"), "--bootstrap-servers", broker.bootstrapServers());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(
                r.err().contains("Kafka at " + broker.bootstrapServers() + " refused the connection: it speaks TLS"),
                r.err());
        assertTrue(r.err().contains("pass --kafka-config"), r.err());
        assertTrue(ms < REFUSAL_BOUND_MS, "refused after " + ms + " ms");
    }

    @Test
    void search_joiningWithAWrongPassword_refusedQuicklyNamingSasl() throws Exception {
        Path wrong = dir.resolve("wrong.properties");
        Path right = broker.clientProperties().orElseThrow();
        Files.writeString(wrong, Files.readString(right).replace(passwordIn(right), "0123456789abcdef"));
        long begin = System.nanoTime();
        CliRun r = search(
                dir.resolve("out"),
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--kafka-config",
                wrong.toString());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(
                r.err()
                        .contains("Kafka at " + broker.bootstrapServers()
                                + " refused the connection: SASL authentication failed"),
                r.err());
        assertTrue(ms < REFUSAL_BOUND_MS, "refused after " + ms + " ms");
    }

    /** A small search (2 generations of 20 on fashion-micro): seconds, no training, no HTTP API. */
    private static CliRun search(Path out, String... cluster) {
        List<String> args = new ArrayList<>(List.of(
                "search",
                "--space",
                "fashion-micro",
                "--seed",
                "7",
                "--population",
                "20",
                "--generations",
                "2",
                "--no-progress",
                "--no-http",
                "--out",
                out.toString()));
        args.addAll(List.of(cluster));
        return CliRun.run(null, args.toArray(String[]::new));
    }

    /** The SCRAM password in a client.properties. */
    private static String passwordIn(Path clientProperties) throws Exception {
        String jaas = dev.autost.messaging.KafkaClientProperties.load(clientProperties)
                .get("sasl.jaas.config");
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("password=\"([^\"]+)\"").matcher(jaas);
        assertTrue(m.find(), jaas);
        return m.group(1);
    }
}
