package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.cli.CliRun;
import dev.autost.cli.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost search --train-top-k}: the search, then the trainer service trains the best
 * candidates on the real Fashion-MNIST (cut to a few hundred images to keep the suite short), the
 * evaluator correlates their accuracy with the training-free metrics, and the results land in
 * trained.json.
 */
class SearchTrainingIT {
    @Test
    void search_withTraining_trainsTopKAndWritesTrainedResults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.line("search --space fashion-micro --seed 3 --generations 2 --population 10"
                + " --train-top-k 2 --epochs 1 --limit-train 256 --limit-test 256 --no-http --no-progress"
                + " --checkpoint-dir " + dir.resolve("ckpt") + " --out " + out);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("trained (test accuracy):"), r.out());
        JsonNode trained = Json.MAPPER.readTree(out.resolve("trained.json").toFile());
        assertEquals(2, trained.get("trained").size());
        for (JsonNode row : trained.get("trained")) {
            assertEquals("ok", row.get("status").asText(), row.toString());
            double acc = row.get("test_accuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, row.toString());
            assertEquals(
                    row.get("params").asLong(),
                    row.get("trained_params").asLong(),
                    "trained model = cost model params");
            assertTrue(row.get("firing_rates").size() > 0);
        }
        assertEquals(
                java.util.List.of(1, 2),
                java.util.List.of(
                        trained.get("trained").get(0).get("rank").asInt(),
                        trained.get("trained").get(1).get("rank").asInt()));
        assertTrue(trained.get("correlations").size() >= 4, trained.toString());
        assertEquals(2, trained.get("correlations").get(0).get("n").asInt());
    }
}
