package dev.autost.cli.service;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost serve} as a user starts it, in a child JVM with no token given: what it prints
 * is what lands in logs. The token must not be in it; the file it names must hold the token,
 * readable by its owner only, and work; the printed address must be the bound one.
 */
class ServeApiIT {
    private static final Pattern URL = Pattern.compile("API and page on (http://\\S+/)");
    private static final Pattern TOKEN_FILE = Pattern.compile("API token for this run in (\\S+)");
    /** A token-like run: 32 or more hex digits (the generated tokens are hex). */
    private static final Pattern HEX_RUN = Pattern.compile("[0-9a-f]{32,}");

    @TempDir
    Path dir;

    @Test
    void serve_withoutToken_printsTheBoundAddressAndTheTokenFileNeverTheToken() throws Exception {
        Path log = dir.resolve("serve.log");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.io.tmpdir=" + tmp,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.autost.cli.Main",
                        "serve",
                        "--http-port",
                        "0")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("AUTOST_API_TOKEN");
        Process serve = pb.start();
        Path tokenFile = null;
        try {
            String out = ChildOutput.await(serve, log, "Ctrl-C stops");
            Matcher url = URL.matcher(out);
            Matcher file = TOKEN_FILE.matcher(out);
            boolean hasUrl = url.find();
            boolean hasFile = file.find();
            tokenFile = hasFile ? Path.of(file.group(1)) : null;
            String token = hasFile && Files.exists(tokenFile)
                    ? Files.readString(tokenFile).strip()
                    : null;
            assertAll(
                    () -> assertTrue(
                            hasUrl && url.group(1).startsWith("http://127.0.0.1:"),
                            "no loopback address printed:\n" + out),
                    () -> assertTrue(hasFile, "no token file printed:\n" + out),
                    () -> assertFalse(HEX_RUN.matcher(out).find(), "a token-like string was printed:\n" + out),
                    () -> assertTrue(token == null || !out.contains(token), "the token was printed"));
            assertTrue(token != null && !token.isEmpty(), "the printed file holds no token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));

            String base = url.group(1);
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(401, post(http, base, null).statusCode());
            // Past the token check: the body is then refused for what it is.
            HttpResponse<String> authorized = post(http, base, token);
            assertEquals(400, authorized.statusCode(), authorized.body());
        } finally {
            serve.destroy();
            if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
        assertFalse(Files.exists(tokenFile), "the generated token file outlived the process");
    }

    /**
     * The README's lab command on a fresh machine: the token file it names does not exist yet
     * (it failed with "cannot read it"), and an experiment that asks for training is trained by
     * serve's own trainer (it stayed search_done, 0/1, for ever).
     */
    @Test
    void serve_readmeLabCommand_createsTheTokenFile_andTrainsWhatAnExperimentAsks() throws Exception {
        Path log = dir.resolve("lab.log");
        Path tokenFile = dir.resolve("api-token");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.autost.cli.Main",
                        "serve",
                        "--api-token-file",
                        tokenFile.toString(),
                        "--kafka-data",
                        dir.resolve("kafka-data").toString(),
                        "--checkpoint-dir",
                        dir.resolve("checkpoints").toString(),
                        "--limit-train",
                        "256",
                        "--limit-test",
                        "256",
                        "--http-port",
                        "0")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("AUTOST_API_TOKEN");
        Process serve = pb.start();
        try {
            String out = ChildOutput.await(serve, log, "Ctrl-C stops");
            assertTrue(out.contains("API token written to " + tokenFile), out);
            assertTrue(out.contains("trainer"), "serve runs a trainer: " + out);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).strip();
            Matcher url = URL.matcher(out);
            assertTrue(url.find(), out);
            String base = url.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(URI.create(base + "api/experiments"))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"experiment_id\": \"lab-trained\","
                                    + " \"space\": \"fashion-micro\", \"population\": 6, \"generations\": 1,"
                                    + " \"train_top_k\": 1, \"epochs\": 1}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            String status = "";
            while (System.nanoTime() < deadline && !status.contains("\"phase\":\"finished\"")) {
                Thread.sleep(500);
                status = http.send(
                                HttpRequest.newBuilder(URI.create(base + "api/experiments/lab-trained"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            }
            assertTrue(status.contains("\"phase\":\"finished\""), status + "\n" + Files.readString(log));
            assertTrue(status.contains("\"trained\":1") && status.contains("\"train_expected\":1"), status);
        } finally {
            serve.destroy();
            if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
        assertTrue(Files.exists(tokenFile), "the token file named by --api-token-file is kept for the next run");
    }

    private static HttpResponse<String> post(HttpClient http, String base, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "api/experiments"))
                .POST(HttpRequest.BodyPublishers.ofString("[1, 2"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
