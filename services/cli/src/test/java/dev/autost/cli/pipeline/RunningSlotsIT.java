package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.observability.Observability;
import dev.autost.sampler.SamplerLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler's running slots and the finished experiments' summaries on a real broker, through
 * the API as a lab sees them: with one slot, three experiments submitted at once run one after
 * the other (the others show as queued), all finish, and after a restart of every service on the
 * same data all three are still finished, each as its summary.
 */
class RunningSlotsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> IDS = List.of("slot-a", "slot-b", "slot-c");

    @TempDir
    Path kafkaData;

    @Test
    void oneSlot_threeExperimentsQueueAndAllFinish_andARestartKeepsThemAsSummaries() throws Exception {
        try (Observability obs = Observability.withoutServer();
                LocalServices services = LocalServices.connect(null, kafkaData, 3, (short) 1, obs)
                        .samplerLimits(SamplerLimits.DEFAULTS.withMaxRunningExperiments(1))) {
            String base = startWithApi(services, obs);
            for (String id : IDS) {
                HttpResponse<String> created = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/experiments"))
                                .header("Authorization", "Bearer tok")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"experiment_id\": \"" + id
                                        + "\", \"space\": \"small\", \"seed\": 3, \"generations\": 3,"
                                        + " \"population\": 20}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());
            }
            Set<String> seenQueued = new HashSet<>();
            double mostRunning = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (finished(base) < IDS.size() && System.nanoTime() < deadline) {
                JsonArray list = new JsonArray(get(base + "/api/experiments").body());
                for (int i = 0; i < list.size(); i++) {
                    JsonObject e = list.getJsonObject(i);
                    if (e.getString("phase").equals("queued")) {
                        seenQueued.add(e.getString("id"));
                    }
                }
                // The sampler's own count: the API's phases come from reports on several
                // partitions, so for a moment it may show the next search running before the
                // previous one's SEARCH_DONE arrives.
                mostRunning = Math.max(mostRunning, obs.meters().samplerExperiments("running"));
                Thread.sleep(50);
            }
            assertEquals(IDS.size(), finished(base), "all finish");
            assertTrue(seenQueued.size() >= 1, "the later experiments wait their turn: " + seenQueued);
            assertEquals(1, mostRunning, "one search at a time, never more");
        }

        try (Observability obs = Observability.withoutServer();
                LocalServices services = LocalServices.connect(null, kafkaData, 3, (short) 1, obs)) {
            String base = startWithApi(services, obs);
            assertEquals(IDS.size(), finished(base), "still finished after the restart");
            for (String id : IDS) {
                JsonObject board = new JsonObject(get(base + "/api/experiments/" + id + "/leaderboard?limit=5")
                        .body());
                assertEquals(80, board.getInteger("candidates_scored"), board.encode());
                assertTrue(board.getInteger("candidates_kept") >= 50, board.encode());
                assertTrue(board.getInteger("candidates_kept") < 80, "a summary, not every score: " + board.encode());
                assertEquals(5, board.getJsonArray("rows").size());
            }
        }
    }

    private static String startWithApi(LocalServices services, Observability obs) {
        services.start(LocalServices.SEARCH);
        return LocalApi.deploy(services, obs);
    }

    private static long finished(String base) throws Exception {
        JsonArray list = new JsonArray(get(base + "/api/experiments").body());
        return list.stream()
                .map(JsonObject.class::cast)
                .filter(e -> e.getString("phase").equals("finished"))
                .count();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
