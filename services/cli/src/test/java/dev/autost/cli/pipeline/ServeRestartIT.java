package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.Topics;
import dev.autost.observability.Observability;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services of {@code autost serve} restarted over a stored experiment that can never run
 * (a parameter window no architecture of its space fits). The record was written while no
 * sampler ran, as an older API or any client with write access to the experiments topic could:
 * every start replays it. Each start must still become ready, show that experiment FAILED with
 * the reason, and run a good experiment submitted afterwards.
 */
class ServeRestartIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BAD_SPACE = "embed_dims: [64]\ndepth: {min: 1, max: 2}\nmlp_ratios: [4]\n"
            + "num_heads: [1]\nconstraints: {params: {min: 1.0e15}}\n";

    @TempDir
    Path kafkaData;

    @Test
    void storedInfeasibleExperiment_everyRestartBecomesReady_showsItFailed_andRunsTheNextOne() throws Exception {
        try (LocalServices broker = LocalServices.connect(null, kafkaData, 3, (short) 1)) {
            ExperimentSpec bad = ExperimentSpec.newBuilder()
                    .setSchemaVersion(SchemaVersions.CURRENT)
                    .setExperimentId("bad-window")
                    .setSpaceYaml(BAD_SPACE)
                    .build();
            try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "it-old-writer")) {
                p.send(new ProducerRecord<>(
                                Topics.EXPERIMENTS, "bad-window".getBytes(StandardCharsets.UTF_8), bad.toByteArray()))
                        .get();
            }
        }

        // First start replays the bad record (this is where the sampler used to stop for good),
        // the second replays it and its FAILED report.
        for (int start = 1; start <= 2; start++) {
            try (Observability obs = Observability.withoutServer();
                    LocalServices services = LocalServices.connect(null, kafkaData, 3, (short) 1, obs)) {
                services.start(LocalServices.SEARCH);
                String base = LocalApi.deploy(services, obs);

                JsonObject failed = awaitPhase(base, "bad-window", "failed");
                assertTrue(failed.getString("failure_reason", "").contains("constraints"), failed.encode());

                HttpResponse<String> refused = post(
                        base,
                        "{\"experiment_id\": \"bad-window-" + start + "\", \"space\": "
                                + "{\"embed_dims\": [64], \"depth\": {\"min\": 1, \"max\": 2}, \"mlp_ratios\": [4], "
                                + "\"num_heads\": [1], \"constraints\": {\"params\": {\"min\": 1e15}}}}");
                assertEquals(400, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("constraints"), refused.body());

                String good = "good-" + start;
                HttpResponse<String> created = post(
                        base,
                        "{\"experiment_id\": \"" + good + "\", \"space\": \"tiny\", "
                                + "\"seed\": 3, \"generations\": 2, \"population\": 10}");
                assertEquals(201, created.statusCode(), created.body());
                JsonObject done = awaitPhase(base, good, "finished");
                assertEquals(30, done.getInteger("candidates_scored"), done.encode());
            }
        }
    }

    private static HttpResponse<String> post(String base, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/experiments"))
                        .header("Authorization", "Bearer tok")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject awaitPhase(String base, String id, String phase) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/experiments/" + id))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                last = new JsonObject(r.body());
                if (phase.equals(last.getString("phase"))) {
                    return last;
                }
            }
            Thread.sleep(150);
        }
        throw new AssertionError("experiment " + id + " did not reach phase " + phase + "; last status: " + last);
    }
}
