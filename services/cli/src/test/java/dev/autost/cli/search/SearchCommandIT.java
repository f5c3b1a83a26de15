package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autost search} end to end: its own embedded broker and services, as a user runs it. */
class SearchCommandIT {
    @TempDir
    Path dir;

    @Test
    void search_throughKafka_writesTheSameResultsAsOffline() throws Exception {
        Path kafka = dir.resolve("kafka");
        Path offline = dir.resolve("offline");
        CliRun k = CliRun.run(
                null,
                "search",
                "--space",
                "small",
                "--seed",
                "42",
                "--no-progress",
                "--http-port",
                "0",
                "--out",
                kafka.toString());
        assertEquals(0, k.exitCode(), k.err());
        // The API of a search listens on loopback only, and says so.
        assertTrue(k.err().contains("follow it on http://127.0.0.1:"), k.err());
        assertTrue(k.out().contains("through Kafka: 1050 candidates scored in 21 generations"), k.out());
        CliRun o = CliRun.run(
                null, "search", "--offline", "--space", "small", "--seed", "42", "--out", offline.toString());
        assertEquals(0, o.exitCode(), o.err());
        assertEquals(
                Files.readString(offline.resolve("results.json")), Files.readString(kafka.resolve("results.json")));
        try (var a = Files.list(kafka.resolve("top"));
                var b = Files.list(offline.resolve("top"))) {
            assertEquals(
                    b.map(p -> p.getFileName().toString()).sorted().toList(),
                    a.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
