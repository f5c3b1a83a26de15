package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.cli.CliRun;
import dev.autost.cli.json.Json;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.GenomeCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchCommandTest {
    @TempDir
    Path dir;

    @Test
    void searchOffline_writesRankedResultsAndOfficialYaml() throws Exception {
        CliRun r = CliRun.run(null, "search", "--offline", "--space", "small", "--seed", "42", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("1050 candidates scored"), r.out());
        JsonNode results = Json.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertEquals(1050, results.size());
        double previous = Double.MAX_VALUE;
        for (JsonNode row : results) {
            for (String field :
                    "depth mlp_ratios num_heads embed_dim params flops_syops flops_full energy_pj hash".split(" ")) {
                assertTrue(row.has(field), field + " missing in " + row);
            }
            long params = row.get("params").asLong();
            assertTrue(params >= 11_000_000 && params <= 12_000_000, "outside window: " + row);
            double score = row.get("flops_syops").asDouble();
            assertTrue(score <= previous, "not best first");
            previous = score;
            assertEquals(GenomeCodec.fromJson(row).hash(), row.get("hash").asText());
        }
        List<Path> yamls;
        try (var files = Files.list(dir.resolve("top"))) {
            yamls = files.sorted().toList();
        }
        assertEquals(10, yamls.size());
        Genome best = GenomeCodec.fromOfficialYaml(Files.readString(yamls.get(0)));
        assertEquals(GenomeCodec.fromJson(results.get(0)), best);
    }

    @Test
    void searchOffline_sameSeedTwice_sameResultsFile() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        CliRun.run(null, "search", "--offline", "--seed", "7", "--generations", "5", "--out", a.toString());
        CliRun.run(null, "search", "--offline", "--seed", "7", "--generations", "5", "--out", b.toString());
        assertEquals(Files.readString(a.resolve("results.json")), Files.readString(b.resolve("results.json")));
    }

    @Test
    void searchOffline_paretoStrategy_writesFront() throws Exception {
        CliRun r = CliRun.run(
                null, "search", "--offline", "--strategy", "pareto", "--generations", "3", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = Json.MAPPER.readTree(dir.resolve("search.json").toFile());
        assertTrue(summary.get("pareto_front").size() >= 1);
    }

    @Test
    void search_unknownSpace_isRefusedWithTheChoices() {
        CliRun r = CliRun.run(null, "search", "--offline", "--space", "galactic", "--out", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("tiny") && r.err().contains("galactic"), r.err());
    }

    @Test
    void search_trainingOffline_isRefusedBeforeAnythingRuns() {
        CliRun r = CliRun.run(null, "search", "--offline", "--train-top-k", "2", "--out", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--train-top-k"), r.err());
        assertTrue(!Files.exists(dir.resolve("results.json")));
    }

    @Test
    void search_noLocalServicesWithoutCluster_isRefused() {
        CliRun r = CliRun.run(null, "search", "--no-local-services", "--out", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--bootstrap-servers"), r.err());
    }

    @Test
    void search_unknownStrategy_isRefused() {
        CliRun r = CliRun.run(null, "search", "--offline", "--strategy", "annealing", "--out", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("annealing"), r.err());
    }

    @Test
    void search_noGenerationsThroughKafka_isRefusedBeforeAnythingStarts() {
        CliRun r = CliRun.run(null, "search", "--generations", "0", "--out", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--generations must be at least 1 through Kafka"), r.err());
        assertTrue(!r.err().contains("embedded Kafka broker"), r.err());
    }

    @Test
    void searchOffline_paramsObjective_ranksByParamsAndPrintsItsColumn() throws Exception {
        CliRun r = CliRun.run(
                null,
                "search",
                "--offline",
                "--space",
                "tiny",
                "--objective",
                "params",
                "--seed",
                "3",
                "--out",
                dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        String header =
                r.out().lines().filter(l -> l.startsWith("rank")).findFirst().orElseThrow();
        assertTrue(header.endsWith(" params"), header);
        JsonNode results = Json.MAPPER.readTree(dir.resolve("results.json").toFile());
        for (int i = 1; i < results.size(); i++) {
            assertTrue(results.get(i - 1).get("params").asLong()
                    >= results.get(i).get("params").asLong());
            assertEquals(
                    results.get(i).get("params").asLong(),
                    results.get(i).get("score").asLong());
        }
    }

    @Test
    void searchOffline_paperObjective_printsTheTableAsBefore() throws Exception {
        CliRun r = CliRun.run(null, "search", "--offline", "--space", "tiny", "--seed", "3", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        String header =
                r.out().lines().filter(l -> l.startsWith("rank")).findFirst().orElseThrow();
        assertTrue(header.endsWith("energy_uJ"), header);
    }
}
