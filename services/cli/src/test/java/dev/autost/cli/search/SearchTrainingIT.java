package dev.autost.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.cli.CliRun;
import dev.autost.cli.json.Json;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * {@code --rungs 1,2 --eta 2} over the best 4: all four train one epoch, two of them a
     * second one from their checkpoints, and the evaluator waits for those before finishing.
     */
    @Test
    void search_withSuccessiveHalving_promotesHalfAndCountsTheEpochs(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.line("search --space fashion-micro --seed 3 --generations 1 --population 8"
                + " --train-top-k 4 --train-selection top-k --rungs 1,2 --eta 2 --limit-train 256 --limit-test 256"
                + " --no-http --no-progress --checkpoint-dir " + dir.resolve("ckpt") + " --out " + out);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode trained = Json.MAPPER.readTree(out.resolve("trained.json").toFile());
        assertEquals(4, trained.get("trained").size());
        int promoted = 0;
        double bestPromoted = -1;
        double bestLeft = -1;
        for (JsonNode row : trained.get("trained")) {
            assertEquals("ok", row.get("status").asText(), row.toString());
            int epochs = row.get("epochs").asInt();
            assertEquals(epochs, row.get("epoch_test_accuracies").size(), row.toString());
            double first = row.get("epoch_test_accuracies").get(0).asDouble();
            if (epochs == 2) {
                promoted++;
                bestPromoted = Math.max(bestPromoted, first);
            } else {
                assertEquals(1, epochs, row.toString());
                bestLeft = Math.max(bestLeft, first);
            }
        }
        assertEquals(2, promoted, "4 / eta");
        // Whatever order the results arrive in, the best after one epoch goes on: with the first
        // two finished if it is one of them, else as the best waiting once all four are in.
        assertTrue(bestPromoted >= bestLeft, trained.toString());
        JsonNode summary = Json.MAPPER.readTree(out.resolve("search.json").toFile());
        assertEquals(4 + 2, summary.get("train_epochs_requested").asInt(), summary.toString());
        assertEquals(4 + 2, summary.get("train_epochs_worst_case").asInt());
        assertEquals(
                List.of(1, 2),
                List.of(
                        summary.get("rung_epochs").get(0).asInt(),
                        summary.get("rung_epochs").get(1).asInt()));
    }

    @Test
    void search_rungsWithoutTraining_refusedBeforeAnythingStarts(@TempDir Path dir) {
        CliRun r = CliRun.line("search --space fashion-micro --rungs 1,3 --no-http --out " + dir);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("--rungs needs --train-top-k or --train-budget"), r.err());
        CliRun eta = CliRun.line("search --space fashion-micro --eta 3 --train-top-k 2 --no-http --out " + dir);
        assertTrue(eta.err().contains("--eta and --train-budget need --rungs"), eta.err());
    }

    /**
     * {@code --objective calibrated}: the prober measures every candidate, four of the first
     * generation are trained before the search goes on, and search.json records the choice with
     * every metric's tau; the four trainings are the experiment's trained candidates.
     */
    @Test
    void search_calibrated_trainsTheSampleAndRecordsTheChoice(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.line("search --space fashion-micro --seed 3 --generations 2 --population 6"
                + " --objective calibrated --calibration-size 4 --limit-train 256 --limit-test 256"
                + " --no-http --no-progress --checkpoint-dir " + dir.resolve("ckpt") + " --out " + out);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = Json.MAPPER.readTree(out.resolve("search.json").toFile());
        JsonNode steps = summary.get("calibration");
        assertTrue(steps != null && steps.size() >= 1, summary.toString());
        JsonNode first = steps.get(0);
        assertEquals(0, first.get("from_generation").asInt());
        assertEquals(4, first.get("trained").asInt(), first.toString());
        assertTrue(
                dev.autost.domain.search.Objective.ids()
                        .contains(first.get("metric").asText()),
                first.toString());
        assertEquals(7, first.get("kendall_tau_b").size(), "every metric's tau");
        JsonNode trained = Json.MAPPER.readTree(out.resolve("trained.json").toFile());
        assertTrue(trained.get("trained").size() >= 4, trained.toString());
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(6 * 3, results.size(), "every candidate ranked");
    }

    @Test
    void search_calibratedOffline_refusedNamingWhy(@TempDir Path dir) {
        CliRun r = CliRun.line("search --space fashion-micro --objective calibrated --offline --out " + dir);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("it needs the pipeline"), r.err());
    }
}
