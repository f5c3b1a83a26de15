package dev.autost.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Prometheus as a child process, scraping a {@link ComposeStack} with the shipped
 * deploy/compose/prometheus.yml and deploy/prometheus/alert-rules.yml. Only time is changed, so
 * that a test can wait for it: the stack's ports replace the defaults, scrapes and rule
 * evaluation run every second, and the rules' {@code for} durations and range windows are scaled
 * down ({@code for: 5m} to 5 s, {@code [15m]} to 15 s: minutes become seconds). Every expression
 * is otherwise the shipped one.
 */
final class PrometheusRun implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MINUTES = Pattern.compile("(for: |\\[)(\\d+)m");

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusRun(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param deploy the deploy/ folder
     * @param ports  the stack's port of each default port of compose.yaml
     */
    static PrometheusRun start(Path deploy, Map<Integer, Integer> ports, Path dir) throws Exception {
        String config = Files.readString(deploy.resolve("compose/prometheus.yml"))
                .replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("evaluation_interval: 15s", "evaluation_interval: 1s");
        for (Map.Entry<Integer, Integer> p : ports.entrySet()) {
            config = config.replace("\"127.0.0.1:" + p.getKey() + "\"", "\"127.0.0.1:" + p.getValue() + "\"");
        }
        Matcher m = MINUTES.matcher(Files.readString(deploy.resolve("prometheus/alert-rules.yml")));
        String rules = m.replaceAll(r -> r.group(1) + r.group(2) + "s");
        // The same layout as deploy/, so that the config's relative rule_files path holds.
        Files.createDirectories(dir.resolve("compose"));
        Files.createDirectories(dir.resolve("prometheus"));
        Files.writeString(dir.resolve("compose/prometheus.yml"), config);
        Files.writeString(dir.resolve("prometheus/alert-rules.yml"), rules);
        int port = ComposeStack.freePort();
        Process p = new ProcessBuilder(
                        BINARY.toString(),
                        "--config.file=" + dir.resolve("compose/prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        PrometheusRun run = new PrometheusRun(p, port);
        for (int i = 0; i < 120 && !run.answers(); i++) {
            if (!p.isAlive()) {
                throw new AssertionError("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            Thread.sleep(250);
        }
        return run;
    }

    private boolean answers() {
        try {
            return http.send(HttpRequest.newBuilder(uri("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The result vector of an instant query (empty when nothing matches). */
    JsonNode query(String promql) throws Exception {
        JsonNode r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(r.path("status").asText())) {
            throw new AssertionError("query failed: " + promql + ": " + r);
        }
        return r.path("data").path("result");
    }

    /** The state of an alert: firing, pending, or inactive when not listed. */
    String alertState(String name) throws Exception {
        for (JsonNode a : get("/api/v1/alerts").path("data").path("alerts")) {
            if (a.path("labels").path("alertname").asText().equals(name)) {
                return a.path("state").asText();
            }
        }
        return "inactive";
    }

    /** Waits until the alert is in {@code state}; fails naming the alerts seen. */
    void awaitAlert(String name, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (alertState(name).equals(state)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(name + " not " + state + " after " + timeout + "; alerts: " + get("/api/v1/alerts")
                + "; targets up and seconds a scrape took: " + query("up") + " " + query("scrape_duration_seconds"));
    }

    /**
     * Waits until each of {@code names} has been seen firing, at once or in turn (an alert whose
     * condition passes quickly may resolve before another fires); fails naming those never seen.
     */
    void awaitFired(java.util.Collection<String> names, Duration timeout) throws Exception {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode a : get("/api/v1/alerts").path("data").path("alerts")) {
                if (a.path("state").asText().equals("firing")) {
                    seen.add(a.path("labels").path("alertname").asText());
                }
            }
            if (seen.containsAll(names)) {
                return;
            }
            Thread.sleep(250);
        }
        java.util.Set<String> missing = new java.util.TreeSet<>(names);
        missing.removeAll(seen);
        throw new AssertionError("never firing within " + timeout + ": " + missing + "; alerts: "
                + get("/api/v1/alerts") + "; targets up: " + query("up"));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
