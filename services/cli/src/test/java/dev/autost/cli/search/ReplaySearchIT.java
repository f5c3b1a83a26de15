package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.cli.CliRun;
import dev.autost.cli.json.Json;
import dev.autost.domain.benchmark.BenchmarkTable;
import dev.autost.domain.benchmark.TableRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost search --table}: a table of every member of a 4-architecture space, built by
 * {@code bench table} (really trained, on a few images), answers a halving search through the
 * real topics; every result is the table's figure for its rung and says it was replayed.
 */
class ReplaySearchIT {
    static final String SPACE = """
            name: four
            embed_dims: [32]
            depth: {min: 1, max: 1}
            mlp_ratios: [2, 4]
            num_heads: [2, 4]
            time_steps: [4]
            image_size: 28
            channels: 1
            patch_size: 4
            classes: 10
            backbone: autost
            syops_batch: 32
            """;

    @Test
    void search_replayedFromATable_halvingGetsTheTablesRungFigures_markedReplayed(@TempDir Path dir) throws Exception {
        Path space = dir.resolve("four.yaml");
        Files.writeString(space, SPACE);
        Path table = dir.resolve("table.csv");
        CliRun built = CliRun.line("bench table --space " + space + " --table " + table
                + " --workers 2 --epochs 2 --limit-train 64 --limit-test 64");
        assertEquals(0, built.exitCode(), built.err());
        Map<String, TableRow> rows =
                BenchmarkTable.read(table).stream().collect(Collectors.toMap(TableRow::hash, r -> r));
        assertEquals(4, rows.size());

        Path out = dir.resolve("out");
        CliRun r = CliRun.line("search --space " + space + " --table " + table + " --population 4 --generations 3"
                + " --train-top-k 4 --train-selection top-k --rungs 1,2 --eta 2 --no-http --no-progress --out " + out);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ok, replayed from the four table"), r.out());
        JsonNode trained = Json.MAPPER.readTree(out.resolve("trained.json").toFile());
        assertEquals(4, trained.get("trained").size(), trained.toString());
        int promoted = 0;
        for (JsonNode t : trained.get("trained")) {
            TableRow row = rows.get(t.get("hash").asText());
            int epochs = t.get("epochs").asInt();
            promoted += epochs == 2 ? 1 : 0;
            assertEquals(row.testAccuracy(epochs), t.get("test_accuracy").asDouble(), t.toString());
            assertTrue(t.get("replayed_from_table").asText().contains("four table"), t.toString());
        }
        assertEquals(2, promoted, "one in eta = 2 of the 4 promoted to the second rung");
        JsonNode search = Json.MAPPER.readTree(out.resolve("search.json").toFile());
        assertTrue(search.toString().contains("found only 0 of 4"), "the search says it ran out: " + search);
    }
}
