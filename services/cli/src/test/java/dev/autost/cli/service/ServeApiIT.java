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

    private static HttpResponse<String> post(HttpClient http, String base, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "api/experiments"))
                .POST(HttpRequest.BodyPublishers.ofString("[1, 2"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
