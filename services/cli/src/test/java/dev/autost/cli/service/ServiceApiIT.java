package dev.autost.cli.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost service api} as the cluster's API Deployment runs it, in a child JVM: the API,
 * its page and the health and metrics endpoints on one port, ready once its read model replayed,
 * the token from a file, never printed.
 */
class ServiceApiIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void apiService_servesTheApiAndTheEndpointsOnOnePort_withTheTokenFromAFile() throws Exception {
        String token = "token-for-this-test-" + Long.toHexString(System.nanoTime());
        Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("api.log");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.autost.cli.Main",
                        "service",
                        "api",
                        "--http-port",
                        String.valueOf(port),
                        "--api-token-file",
                        tokenFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("AUTOST_API_TOKEN");
        Process api = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int ready = 0;
            while (ready != 200 && System.nanoTime() < deadline && api.isAlive()) {
                Thread.sleep(300);
                try {
                    ready = get(base + "/ready").statusCode();
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
            }
            String out = Files.readString(log);
            assertEquals(200, ready, out);
            assertTrue(get(base + "/ready").body().contains("\"api\":\"STARTED\""), out);
            assertEquals("[]", get(base + "/api/experiments").body().strip());
            assertTrue(get(base + "/metrics").body().contains("jvm_memory_used_bytes"), "metrics on the API's port");
            String spec = "{\"space\": \"tiny\", \"population\": 4, \"generations\": 1}";
            assertEquals(401, post(base + "/api/experiments", spec, "wrong").statusCode());
            assertEquals(201, post(base + "/api/experiments", spec, token).statusCode());
            assertTrue(out.contains("API and page on http://127.0.0.1:" + port + "/"), out);
            assertFalse(Files.readString(log).contains(token), "the token is never printed");
        } finally {
            api.destroy();
            if (!api.waitFor(30, TimeUnit.SECONDS)) {
                api.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String body, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
