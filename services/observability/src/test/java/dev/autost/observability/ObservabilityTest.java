package dev.autost.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoints over real HTTP on a port the OS picked. */
class ObservabilityTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Observability observability;

    @BeforeAll
    static void start() throws Exception {
        observability = await(Observability.start(new ObservabilityConfig("127.0.0.1", 0))
                .toCompletionStage()
                .toCompletableFuture());
    }

    @AfterAll
    static void stop() {
        observability.close();
    }

    @Test
    void health_running_upWith200() throws Exception {
        HttpResponse<String> r = get(Endpoints.HEALTH);
        assertEquals(200, r.statusCode());
        assertEquals("{\"status\":\"UP\"}", r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    }

    @Test
    void ready_followsServiceHealth() throws Exception {
        ServiceHealth health = observability.health();
        assertEquals(503, get(Endpoints.READY).statusCode(), "nothing expected yet");
        health.expect("scorer").expect("sampler");
        health.started("scorer");
        health.progressFrom(() -> java.util.Map.of("sampler", "120 records read, 30 to go"));
        HttpResponse<String> starting = get(Endpoints.READY);
        assertEquals(503, starting.statusCode());
        assertTrue(starting.body().contains("\"sampler\":\"STARTING\""), starting.body());
        assertTrue(
                starting.body().contains("\"replay\":{\"sampler\":\"120 records read, 30 to go\"}"),
                "how far the replay got: " + starting.body());
        health.progressFrom(java.util.Map::of);
        health.started("sampler");
        HttpResponse<String> ready = get(Endpoints.READY);
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().contains("\"status\":\"READY\""), ready.body());
        assertTrue(get(Endpoints.METRICS).body().contains("autost_service_ready 1.0"), "ready as a series");
        health.stopped("sampler");
        assertEquals(503, get(Endpoints.READY).statusCode());
        assertTrue(get(Endpoints.METRICS).body().contains("autost_service_ready 0.0"), "not ready as a series");
        health.started("sampler");
    }

    @Test
    void metrics_prometheusTextWithJvmVertxAndServiceMeters() throws Exception {
        observability.registry().counter("autost.test.events").increment(3);
        get(Endpoints.HEALTH); // so the Vert.x HTTP server has served a request
        HttpResponse<String> r = get(Endpoints.METRICS);
        assertEquals(200, r.statusCode());
        assertTrue(
                r.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
                r.headers().toString());
        String body = r.body();
        assertTrue(body.contains("autost_test_events_total 3.0"), "service counter");
        assertTrue(body.contains("jvm_memory_used_bytes"), "JVM binder");
        assertTrue(body.contains("process_uptime_seconds"), "uptime binder");
        assertTrue(body.contains("vertx_http_server_requests_total"), "Vert.x metrics");
    }

    @Test
    void unknownPath_404() throws Exception {
        assertEquals(404, get("/nothing").statusCode());
    }

    @Test
    void start_portInUse_fails() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> await(Observability.start(new ObservabilityConfig("127.0.0.1", taken.getLocalPort()))
                            .toCompletionStage()
                            .toCompletableFuture()));
            assertTrue(
                    e.getCause() instanceof java.net.BindException
                            || String.valueOf(e.getCause().getMessage()).contains("in use"),
                    e.getCause().toString());
        }
    }

    @Test
    void config_portOutOfRange_throws() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ObservabilityConfig.ofPort(70_000));
        assertEquals("port must be in [0, 65535] but was 70000", e.getMessage());
    }

    @Test
    void serviceHealth_blankName_throws() {
        assertThrows(IllegalArgumentException.class, () -> new ServiceHealth().expect(" "));
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + observability.port() + path);
        return HTTP.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }
}
