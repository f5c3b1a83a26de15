package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /**
     * A search on SAHD: through Kafka the prober measures every candidate, in process the same probe
     * runs inline; both rank by SAHD with identical figures.
     */
    @Test
    void search_sahdObjective_ranksBySahdThroughKafkaAsOffline() throws Exception {
        JsonNode results = searchBothWays("sahd", "--objective", "sahd");
        assertEquals(12, results.size());
        double previous = Double.POSITIVE_INFINITY;
        for (JsonNode entry : results) {
            double sahd = entry.get("sahd").asDouble();
            assertTrue(entry.get("sahd").isNumber() && Double.isFinite(sahd), entry.toString());
            assertEquals(entry.get("sahd").decimalValue(), entry.get("score").decimalValue(), entry.toString());
            assertTrue(sahd <= previous, "ranked by SAHD: " + entry);
            previous = sahd;
            assertTrue(entry.has("naswot") && entry.has("energy_init_pj"), entry.toString());
        }
    }

    /**
     * A rank-mean objective with probes gated to half of each generation: the same ranking both
     * ways, 3 of 6 probed per generation and ranked first, scored by mean percentile.
     */
    @Test
    void search_rankMeanWithProbeFraction_probesHalfOfEachGenerationAsOffline() throws Exception {
        JsonNode results =
                searchBothWays("gated", "--objective", "rank-mean:sahd,flops_syops", "--probe-fraction", "0.5");
        assertEquals(12, results.size());
        for (int i = 0; i < results.size(); i++) {
            JsonNode e = results.get(i);
            // The probed six rank first; the gated six after them, with no probe metric.
            assertEquals(i < 6, e.has("sahd"), e.toString());
            assertEquals(i < 6, e.get("score").isNumber(), e.toString());
            if (i < 6) {
                double score = e.get("score").asDouble();
                assertTrue(score >= 0 && score <= 1, "a mean percentile: " + e);
            }
        }
    }

    /**
     * A small fashion-micro search (seed 1, 6 x 2 generations) with {@code options}, through Kafka
     * and in process: asserts both succeed with the same results.json and returns it.
     */
    private JsonNode searchBothWays(String name, String... options) throws Exception {
        Path kafka = dir.resolve(name + "-kafka");
        Path offline = dir.resolve(name + "-offline");
        String[] search = concat(
                new String[] {"search", "--space", "fashion-micro", "--seed", "1", "--population", "6"},
                concat(options, "--generations", "1", "--no-progress", "--http-port", "0"));
        CliRun k = CliRun.run(null, concat(search, "--out", kafka.toString()));
        assertEquals(0, k.exitCode(), k.err());
        CliRun o = CliRun.run(null, concat(search, "--offline", "--out", offline.toString()));
        assertEquals(0, o.exitCode(), o.err());
        assertEquals(
                Files.readString(offline.resolve("results.json")), Files.readString(kafka.resolve("results.json")));
        return new ObjectMapper().readTree(kafka.resolve("results.json").toFile());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
