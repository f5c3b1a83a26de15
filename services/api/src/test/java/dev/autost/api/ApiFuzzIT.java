package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the fuzz suite: random methods, paths (the real routes with random ids,
 * hashes and chart names, traversal, odd characters, huge segments) and bodies (YAML and JSON
 * fragments, random bytes, huge numbers, deep nesting), with and without the token, against the
 * API on a real broker. No answer may be a 5xx, and every 4xx must say what is wrong. Requests:
 * {@code -Dautost.fuzz.requests} (default 500; docs/reliability.md has a 10 000 run).
 */
class ApiFuzzIT {
    private static final Logger LOG = LoggerFactory.getLogger(ApiFuzzIT.class);
    private static final int REQUESTS = Integer.getInteger("autost.fuzz.requests", 500);
    private static final String TOKEN = "fuzz-token";

    @Test
    void randomRequests_noServerError_andEveryRefusalSaysWhy() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
            }
            Vertx vertx = Vertx.vertx();
            try {
                ApiVerticle api = new ApiVerticle(
                        broker.bootstrapServers(), ApiServerConfig.of("127.0.0.1", 0), TOKEN, Clock.systemUTC(), null);
                vertx.deployVerticle(api)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                fuzz(api.url().substring(0, api.url().length() - 1));
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static void fuzz(String base) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        SplittableRandom rng = new SplittableRandom(1129);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            // Four in ten are submissions with the token: the body parser is the largest surface.
            boolean submission = rng.nextInt(10) < 4;
            String method = submission ? "POST" : pick(rng, "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH");
            String path = submission ? "/api/experiments" : path(rng);
            byte[] body = body(rng);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            method,
                            method.equals("GET") || method.equals("DELETE")
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            if (submission) {
                b.header("Authorization", "Bearer " + TOKEN);
            } else if (rng.nextInt(3) > 0) {
                b.header("Authorization", rng.nextBoolean() ? "Bearer " + TOKEN : "Bearer x" + rng.nextInt());
            }
            if (rng.nextBoolean()) {
                b.header("Content-Type", pick(rng, "application/yaml", "application/json", "text/plain"));
            }
            HttpResponse<String> r;
            try {
                r = send(http, b.build());
            } catch (java.io.IOException e) {
                statuses.merge(-1, 1, Integer::sum);
                problems.add(
                        "no answer: " + method + " " + abbreviate(path) + " (" + body.length + "-byte body): " + e);
                continue;
            }
            statuses.merge(r.statusCode(), 1, Integer::sum);
            String what = method + " " + abbreviate(path) + " -> " + r.statusCode() + " " + abbreviate(r.body());
            if (r.statusCode() >= 500) {
                problems.add(what);
            } else if (r.statusCode() >= 400 && r.body().isBlank() && !ANSWERED_BY_THE_CODEC.contains(r.statusCode())) {
                problems.add("no reason: " + what);
            }
        }
        LOG.info("api fuzz: {} requests, statuses {}", REQUESTS, statuses);
        assertTrue(problems.isEmpty(), problems.size() + " bad answers, e.g.:\n" + String.join("\n", first(problems)));
    }

    /**
     * Refusals the HTTP codec sends before any handler runs (a request line or headers over
     * Vert.x's limits): empty bodies, the status line's reason phrase names the problem.
     */
    private static final java.util.Set<Integer> ANSWERED_BY_THE_CODEC = java.util.Set.of(414, 431);

    /**
     * Sends once more on a connection failure: after a codec refusal the server closes the
     * connection, and the client may already have handed it the next request.
     */
    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException closed) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String path(SplittableRandom rng) {
        String id = pick(
                rng,
                "exp-1",
                "..",
                "%2e%2e%2f%2e%2e",
                "a%2Fb",
                "%00",
                "<img src=x onerror=alert(1)>"
                        .replace("<", "%3C")
                        .replace(">", "%3E")
                        .replace(" ", "%20"),
                "x".repeat(1 + rng.nextInt(5000)),
                "%F0%9F%92%A5");
        String hash = pick(rng, "abc", "0", "../../etc/passwd".replace("/", "%2F"), "f".repeat(200));
        return pick(
                rng,
                "/",
                "/app.js",
                "/openapi.yaml",
                "/api/experiments",
                "/api/experiments/" + id,
                "/api/experiments/" + id + "/leaderboard?limit=" + pick(rng, "-1", "0", "99999999999", "x", ""),
                "/api/experiments/" + id + "/pareto",
                "/api/experiments/" + id + "/correlation",
                "/api/experiments/" + id + "/candidates/" + hash,
                "/api/experiments/" + id + "/charts/" + pick(rng, "leaderboard.png", "x.png", "..%2Fx", ""),
                "/api/experiments/" + id + "/stop",
                "/api/" + id,
                "/" + id);
    }

    private static byte[] body(SplittableRandom rng) {
        String text = switch (rng.nextInt(8)) {
            case 0 ->
                "space: small\nstrategy: evolution\npopulation: " + pick(rng, "10", "-5", "1e400", "99999999999")
                        + "\ngenerations: " + pick(rng, "1", "0", "x", "[1]");
            case 1 -> "{\"space\": \"small\", \"seed\": " + pick(rng, "1", "-1", "1.5", "\"x\"", "null") + "}";
            case 2 -> "a: &a [" + "*a, ".repeat(rng.nextInt(100)) + "]";
            case 3 -> "[".repeat(rng.nextInt(20_000)) + "]".repeat(rng.nextInt(100));
            case 4 -> "space:\n  name: " + "y".repeat(rng.nextInt(70_000)) + "\n";
            case 5 -> "experiment_id: " + pick(rng, "\"../x\"", "\"\"", "\"a/b\"", "ok-1") + "\nspace: small\n";
            case 6 -> "unknown_key: 1\n";
            default -> null;
        };
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] raw = new byte[rng.nextInt(2000)];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) rng.nextInt(256);
        }
        return raw;
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom rng, T... options) {
        return options[rng.nextInt(options.length)];
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static List<String> first(List<String> l) {
        return l.subList(0, Math.min(10, l.size()));
    }
}
