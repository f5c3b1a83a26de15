package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.observability.Observability;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The services of {@code autost serve} on an embedded broker: while a search submitted through
 * the API runs, /metrics on the API's port shows the counters moving and every service's consumer
 * lag, and /ready says ready.
 */
class ServeMetricsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void search_throughApi_countersMoveOnMetrics() throws Exception {
        try (Observability obs = Observability.withoutServer();
                LocalServices services = LocalServices.connect(null, null, 3, (short) 1, obs)) {
            for (LocalServices.Service s : LocalServices.SEARCH) {
                obs.health().expect(s.name().toLowerCase(Locale.ROOT));
            }
            services.start(LocalServices.SEARCH);
            for (LocalServices.Service s : LocalServices.SEARCH) {
                obs.health().started(s.name().toLowerCase(Locale.ROOT));
            }
            String base = LocalApi.deploy(services, obs);
            assertEquals(200, get(base + "/ready").statusCode());

            HttpResponse<String> created = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/experiments"))
                            .header("Authorization", "Bearer tok")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"space\": \"small\", \"seed\": 2, \"generations\": 30, \"experiment_id\": \"metrics-run\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());

            List<Double> scored = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            String metrics = "";
            while (System.nanoTime() < deadline) {
                metrics = get(base + "/metrics").body();
                scored.add(value(metrics, "autost_candidates_scored_total"));
                String status = get(base + "/api/experiments/metrics-run").body();
                if (status.contains("\"phase\":\"finished\"")) {
                    break;
                }
                Thread.sleep(150);
            }
            metrics = get(base + "/metrics").body();
            double finalScored = value(metrics, "autost_candidates_scored_total");
            assertEquals(31 * 50, finalScored, "every candidate counted once by the scorer");
            assertEquals(31 * 50, value(metrics, "autost_candidates_produced_total"));
            assertTrue(scored.stream().distinct().count() >= 3, "counters did not move while scraping: " + scored);
            assertTrue(
                    metrics.contains("autost_search_generation{experiment=\"metrics-run\"} 30.0"), "generation gauge");
            assertTrue(metrics.contains("autost_scoring_seconds_count"), "scoring timer");
            // Every service's consumer, not only the scorer's: the lag alert and panel see them all.
            Set<String> lagging = new TreeSet<>();
            Matcher lag = Pattern.compile(
                            "(?m)^kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\"([^\"]+)\"")
                    .matcher(metrics);
            while (lag.find()) {
                lagging.add(lag.group(1).replaceAll("-\\d+-", "-N-"));
            }
            assertEquals(
                    Set.of("autost-api-in", "evaluator-N-in", "sampler-N-in", "scorer-N-candidates"),
                    lagging,
                    "consumer lag from the Kafka clients of every service");
            assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sum of a metric's samples in a Prometheus text scrape (0 when absent). */
    static double value(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$")
                .matcher(scrape);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }
}
