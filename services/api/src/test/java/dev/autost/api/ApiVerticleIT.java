package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.domain.genome.Genome;
import dev.autost.evaluator.EvaluatorHandler;
import dev.autost.evaluator.EvaluatorVerticle;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.GenomeMessage;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.sampler.SamplerVerticle;
import dev.autost.scorer.ScorerConfig;
import dev.autost.scorer.ScorerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API over real HTTP, with the services on an embedded broker. */
class ApiVerticleIT {
    private static final String TOKEN = "s3cret-token";
    private static EmbeddedKafkaBroker broker;
    private static Vertx vertx;
    private static String base;
    private static ApiVerticle api;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        String bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
        }
        vertx = Vertx.vertx();
        await(vertx.deployVerticle(new ScorerVerticle(ScorerConfig.of(bootstrap))));
        await(vertx.deployVerticle(
                new SamplerVerticle(bootstrap, "sampler-it", Clock.systemUTC(), AutostMeters.noop())));
        await(vertx.deployVerticle(
                new EvaluatorVerticle(bootstrap, "evaluator-it", Clock.systemUTC(), AutostMeters.noop())));
        api = new ApiVerticle(bootstrap, ApiServerConfig.of("127.0.0.1", 0), TOKEN, Clock.systemUTC(), null);
        await(vertx.deployVerticle(api));
        base = "http://127.0.0.1:" + api.actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A non-loopback IPv4 address of this machine, or null. */
    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** One keep-alive {@code GET /api/experiments} on a raw socket; returns the response head. */
    private static String exchange(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream()
                .write("GET /api/experiments HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head.length() + " bytes: " + head);
            }
            head.append((char) c);
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (m.find()) {
            in.readNBytes(Integer.parseInt(m.group(1)));
        }
        return head.toString();
    }

    /** A form upload of a 32 KiB file, as a browser or {@code curl -F} sends it. */
    private static HttpResponse<String> postMultipart(String path, String token) throws Exception {
        String boundary = "autost-boundary";
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"filler.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "x".repeat(32 * 1024) + "\r\n"
                + "--" + boundary + "--\r\n";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Vert.x's upload folder is relative to the working directory: start each check without one. */
    private static void deleteLeftover(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static JsonObject waitForPhase(String id, String phase) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/api/experiments/" + id);
            if (r.statusCode() == 200
                    && new JsonObject(r.body()).getString("phase").equals(phase)) {
                return new JsonObject(r.body());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("experiment " + id + " never reached " + phase + ": "
                + get("/api/experiments/" + id).body());
    }

    @Test
    void submit_withoutOrWithWrongToken_is401() throws Exception {
        assertEquals(401, post("/api/experiments", "space: small", null).statusCode());
        assertEquals(401, post("/api/experiments", "space: small", "wrong").statusCode());
    }

    @Test
    void submit_multipartWithoutToken_is401AndStoresNothing() throws Exception {
        Path uploads = Path.of(BodyHandler.DEFAULT_UPLOADS_DIRECTORY);
        deleteLeftover(uploads);
        HttpResponse<String> refused = postMultipart("/api/experiments", null);
        assertEquals(401, refused.statusCode(), refused.body());
        assertFalse(Files.exists(uploads), "an unauthenticated upload was stored under " + uploads.toAbsolutePath());
    }

    @Test
    void submit_multipartWithToken_isRefusedAndStoresNothing() throws Exception {
        Path uploads = Path.of(BodyHandler.DEFAULT_UPLOADS_DIRECTORY);
        deleteLeftover(uploads);
        HttpResponse<String> r = postMultipart("/api/experiments", TOKEN);
        assertEquals(415, r.statusCode(), r.body());
        assertFalse(Files.exists(uploads), "an upload was stored under " + uploads.toAbsolutePath());
    }

    @Test
    void listen_onLoopback_isNotReachableOnAnotherAddress() throws Exception {
        InetAddress other = nonLoopbackAddress();
        assumeTrue(other != null, "no non-loopback IPv4 address on this machine");
        assertEquals("http://127.0.0.1:" + api.actualPort() + "/", api.url());
        try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), api.actualPort())) {
            assertTrue(loopback.isConnected());
        }
        try (Socket s = new Socket()) {
            assertThrows(
                    ConnectException.class,
                    () -> s.connect(new InetSocketAddress(other, api.actualPort()), 5_000),
                    "the API bound to 127.0.0.1 answered on " + other.getHostAddress());
        }
    }

    @Test
    void idleConnection_isClosedAfterTheIdleTimeout() throws Exception {
        ApiVerticle idle = new ApiVerticle(
                broker.bootstrapServers(),
                ApiServerConfig.of("127.0.0.1", 0).withIdleTimeout(Duration.ofSeconds(1)),
                TOKEN,
                Clock.systemUTC(),
                null);
        String deployment = await(vertx.deployVerticle(idle));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), idle.actualPort())) {
            // Sends nothing: a client that opened a socket and forgot it. Closed after ~1 s; the
            // 15 s read timeout only bounds the test.
            s.setSoTimeout(15_000);
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "the server sent bytes to a silent client");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 500, "closed before the idle timeout: " + ms + " ms");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("an idle connection stayed open for 15 s with a 1 s idle timeout", e);
        } finally {
            await(vertx.undeploy(deployment));
        }
    }

    @Test
    void connections_overTheCap_areClosedAndAdmittedAgainOnceOthersClose() throws Exception {
        ApiVerticle capped = new ApiVerticle(
                broker.bootstrapServers(),
                ApiServerConfig.of("127.0.0.1", 0).withMaxConnections(2),
                TOKEN,
                Clock.systemUTC(),
                null);
        String deployment = await(vertx.deployVerticle(capped));
        int port = capped.actualPort();
        try (Socket a = new Socket(InetAddress.getLoopbackAddress(), port);
                Socket b = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // A request on each: both are counted before the third arrives.
            assertTrue(exchange(a).startsWith("HTTP/1.1 200"));
            assertTrue(exchange(b).startsWith("HTTP/1.1 200"));
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
                c.setSoTimeout(10_000);
                try {
                    assertEquals(-1, c.getInputStream().read(), "a third connection was served");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("a third connection stayed open with a cap of 2", e);
                }
            }
            assertTrue(exchange(a).startsWith("HTTP/1.1 200"), "an admitted connection stopped working");
            b.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String answer = "";
            while (!answer.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
                try (Socket d = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    answer = exchange(d);
                } catch (IOException e) {
                    Thread.sleep(100); // b's close not seen by the server yet
                }
            }
            assertTrue(answer.startsWith("HTTP/1.1 200"), "no connection admitted after one closed: " + answer);
        } finally {
            await(vertx.undeploy(deployment));
        }
    }

    @Test
    void page_isServedWithContentSecurityPolicyAndNoInlineCode() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'"), "CSP: " + csp);
        assertTrue(csp.contains("script-src 'self'"), "CSP: " + csp);
        assertFalse(csp.contains("unsafe-inline"), "CSP: " + csp);
        assertEquals(
                "nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
        // Under that policy inline code would not run: the page must load its script and style.
        assertFalse(page.body().contains("<script>"), "inline script in the page");
        assertFalse(page.body().contains("<style>"), "inline style in the page");
        assertFalse(page.body().contains("innerHTML"), "the page builds markup from strings");
        HttpResponse<String> js = get("/app.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertFalse(js.body().contains("innerHTML"), "the script builds markup from strings");
        assertEquals(200, get("/app.css").statusCode());
        // API answers carry the headers too (a JSON error must not be sniffed into HTML).
        HttpResponse<String> missing = get("/api/experiments/nope");
        assertEquals(404, missing.statusCode());
        assertEquals(
                "nosniff",
                missing.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    @Test
    void submit_invalid_is400NamingTheField() throws Exception {
        HttpResponse<String> unknown = post("/api/experiments", "{\"space\": \"small\", \"colour\": 1}", TOKEN);
        assertEquals(400, unknown.statusCode());
        assertTrue(new JsonObject(unknown.body()).getString("error").startsWith("colour"), unknown.body());
        HttpResponse<String> badSpace = post(
                "/api/experiments",
                "space:\n  embed_dims: [100]\n  depth: {min: 1, max: 2}\n  mlp_ratios: [4]\n  num_heads: [4]\n",
                TOKEN);
        assertEquals(400, badSpace.statusCode());
        assertTrue(badSpace.body().contains("embed_dims[0]"), badSpace.body());
        HttpResponse<String> badSeed = post("/api/experiments", "{\"space\": \"small\", \"seed\": -3}", TOKEN);
        assertEquals(400, badSeed.statusCode());
        assertTrue(badSeed.body().contains("seed"), badSeed.body());
        assertEquals(400, post("/api/experiments", "[1, 2", TOKEN).statusCode());
        HttpResponse<String> badObjective =
                post("/api/experiments", "{\"space\": \"small\", \"objective\": \"accuracy\"}", TOKEN);
        assertEquals(400, badObjective.statusCode());
        assertTrue(
                new JsonObject(badObjective.body()).getString("error").startsWith("objective 'accuracy'"),
                badObjective.body());
        // Well-formed, but no architecture of the space fits the window: the sampler could never start it.
        HttpResponse<String> infeasible = post(
                "/api/experiments",
                "{\"experiment_id\": \"bad-window\", \"space\": "
                        + "{\"embed_dims\": [64], \"depth\": {\"min\": 1, \"max\": 2}, \"mlp_ratios\": [4], \"num_heads\": [1], "
                        + "\"constraints\": {\"params\": {\"min\": 1e15}}}}",
                TOKEN);
        assertEquals(400, infeasible.statusCode(), infeasible.body());
        assertTrue(
                new JsonObject(infeasible.body()).getString("error").startsWith("space.constraints"),
                infeasible.body());
    }

    /** An experiment on another objective: the leaderboard ranks by it and gives each row its score. */
    @Test
    void submit_paramsObjective_leaderboardRanksByParamsWithTheScore() throws Exception {
        HttpResponse<String> created = post(
                "/api/experiments",
                "{\"space\": \"small\", \"seed\": 4, \"generations\": 1, \"population\": 8,"
                        + " \"objective\": \"params\", \"experiment_id\": \"by-params\"}",
                TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        waitForPhase("by-params", "finished");
        JsonObject board = new JsonObject(
                get("/api/experiments/by-params/leaderboard?limit=16").body());
        assertEquals("params", board.getString("objective"));
        JsonArray rows = board.getJsonArray("rows");
        assertEquals(16, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonObject row = rows.getJsonObject(i);
            assertEquals(row.getLong("params").doubleValue(), row.getDouble("score"), row.encode());
            if (i > 0) {
                assertTrue(rows.getJsonObject(i - 1).getLong("params") >= row.getLong("params"), rows.encode());
            }
        }
        assertEquals(
                "params",
                new JsonObject(get("/api/experiments/by-params/pareto").body()).getString("objective"));
    }

    @Test
    void submit_oversizedBody_is413() throws Exception {
        String big = "space: small\n#" + "x".repeat(ApiVerticle.BODY_LIMIT + 10) + "\n";
        assertEquals(413, post("/api/experiments", big, TOKEN).statusCode());
    }

    @Test
    void submit_thenFollow_servesStatusLeaderboardParetoCandidateAndCharts() throws Exception {
        HttpResponse<String> created = post(
                "/api/experiments",
                "{\"space\": \"small\", \"seed\": 9, \"generations\": 3, \"population\": 20, \"experiment_id\": \"api-run\"}",
                TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(
                409,
                post("/api/experiments", "{\"space\": \"small\", \"experiment_id\": \"api-run\"}", TOKEN)
                        .statusCode());
        JsonObject status = waitForPhase("api-run", "finished");
        assertEquals(80, status.getInteger("candidates_scored"));

        JsonObject board = new JsonObject(
                get("/api/experiments/api-run/leaderboard?limit=5").body());
        JsonArray rows = board.getJsonArray("rows");
        assertEquals(5, rows.size());
        assertTrue(rows.getJsonObject(0).getDouble("flops_syops")
                >= rows.getJsonObject(4).getDouble("flops_syops"));
        String hash = rows.getJsonObject(0).getString("hash");
        JsonObject candidate = new JsonObject(
                get("/api/experiments/api-run/candidates/" + hash).body());
        assertEquals(rows.getJsonObject(0).getLong("params"), candidate.getLong("params"));
        assertEquals(
                404, get("/api/experiments/api-run/candidates/ffffffffffffffff").statusCode());
        assertEquals(404, get("/api/experiments/nope").statusCode());

        JsonObject pareto =
                new JsonObject(get("/api/experiments/api-run/pareto").body());
        assertEquals("flops_syops", pareto.getString("objective"));
        assertTrue(pareto.getJsonArray("energy").size() >= 1);
        JsonObject corr =
                new JsonObject(get("/api/experiments/api-run/correlation").body());
        assertEquals(0, corr.getInteger("trained"));

        HttpResponse<byte[]> png = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/experiments/api-run/charts/score-params.png"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png.body(), 4));
        assertEquals(404, get("/api/experiments/api-run/charts/pie.png").statusCode());

        JsonArray list = new JsonArray(get("/api/experiments").body());
        assertTrue(list.stream().anyMatch(o -> ((JsonObject) o).getString("id").equals("api-run")));
        assertTrue(get("/openapi.yaml").body().startsWith("openapi: 3"));
        assertTrue(get("/").body().contains("AutoST experiments"));
    }

    @Test
    void leaderboardParetoCandidate_scoreWithMalformedGenome_isSkippedAndCallsAnswer200() throws Exception {
        String id = "poisoned-scores";
        GenomeMessage broken = GenomeMessage.newBuilder()
                .setDepth(3)
                .addMlpRatios(4.0) // one ratio for three blocks
                .addNumHeads(4)
                .setEmbedDim(64)
                .build();
        Score bad = Score.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(id)
                .setGenomeHash("badbadbadbadbad0")
                .setGenome(broken)
                .setParams(1000)
                .build();
        Genome sound = Genome.uniform(2, 4.0, 4, 64);
        Score good = bad.toBuilder()
                .setGenomeHash(sound.hash())
                .setGenome(GenomeMessages.toProto(sound))
                .build();
        Report evaluation = Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(id)
                .setSource(EvaluatorHandler.SERVICE)
                .setPhase(Report.Phase.FINISHED)
                // As the evaluator's: its leaderboard is the summary the API keeps.
                .addTop(ScoreMessages.ranked(bad))
                .addTop(ScoreMessages.ranked(good))
                .addParetoEnergy(bad.getGenomeHash())
                .addParetoEnergy(good.getGenomeHash())
                .addParetoParams(good.getGenomeHash())
                .build();
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "it-poisoner")) {
            // One partition, bad first: once the good score shows, the bad one has been read.
            for (Score s : List.of(bad, good)) {
                p.send(new ProducerRecord<>(
                                Topics.SCORES,
                                0,
                                Topics.genomeKey(id, s.getGenomeHash()).getBytes(StandardCharsets.UTF_8),
                                s.toByteArray()))
                        .get();
            }
            p.send(new ProducerRecord<>(
                            Topics.REPORTS,
                            Topics.evaluationKey(id).getBytes(StandardCharsets.UTF_8),
                            evaluation.toByteArray()))
                    .get();
        }
        waitForPhase(id, "finished");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> board = get("/api/experiments/" + id + "/leaderboard");
        while (!board.body().contains(good.getGenomeHash()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            board = get("/api/experiments/" + id + "/leaderboard");
        }
        assertEquals(200, board.statusCode(), board.body());
        JsonArray rows = new JsonObject(board.body()).getJsonArray("rows");
        assertEquals(1, rows.size(), board.body());
        assertEquals(good.getGenomeHash(), rows.getJsonObject(0).getString("hash"));

        HttpResponse<String> pareto = get("/api/experiments/" + id + "/pareto");
        assertEquals(200, pareto.statusCode(), pareto.body());
        JsonArray energy = new JsonObject(pareto.body()).getJsonArray("energy");
        assertEquals(1, energy.size(), pareto.body());
        assertEquals(good.getGenomeHash(), energy.getJsonObject(0).getString("hash"));

        assertEquals(
                200,
                get("/api/experiments/" + id + "/candidates/" + good.getGenomeHash())
                        .statusCode());
        HttpResponse<String> skipped = get("/api/experiments/" + id + "/candidates/" + bad.getGenomeHash());
        assertEquals(404, skipped.statusCode(), skipped.body());
        assertEquals(200, get("/api/experiments").statusCode());
        assertTrue(api.store().skipped() >= 1, "the skipped record is counted");
    }

    /**
     * Objective calibrated as the API reads it: nothing ranked until the sampler's report names
     * the first generation's metric, then every candidate by that metric's percentile, and the
     * experiment's status gives the choice with its taus. Published by hand (the spec tells the
     * sampler to leave the experiment alone), so the test is about the read model alone.
     */
    @Test
    void calibratedExperiment_ranksByTheRecordedChoiceAndShowsIt() throws Exception {
        String id = "calibrated-view";
        dev.autost.proto.v1.ExperimentSpec spec = dev.autost.messaging.codec.ExperimentPlan.specBuilder(
                        id, dev.autost.domain.space.SearchSpaces.builtIn("fashion-micro"), "evolution", 1, 10, 1, 0)
                .setObjective("calibrated")
                .setCalibrationSize(3)
                .putOptions(
                        dev.autost.messaging.codec.ExperimentPlan.SAMPLER_OPTION,
                        dev.autost.messaging.codec.ExperimentPlan.NO_SAMPLER)
                .build();
        List<Score> scores = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Genome g = Genome.uniform(1 + i % 4, 4.0, 4, 32 + 16 * i);
            scores.add(Score.newBuilder()
                    .setSchemaVersion(SchemaVersions.CURRENT)
                    .setExperimentId(id)
                    .setGenomeHash(g.hash())
                    .setGenome(GenomeMessages.toProto(g))
                    .setParams(1000L * (4 - i)) // the reverse of FLOPs
                    .setFlopsSyops(1e6 * (i + 1))
                    .setSequence(i)
                    .putExtra("sahd", i)
                    .putExtra("naswot", 1)
                    .putExtra("energy_init_pj", 2)
                    .build());
        }
        Report running = Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(id)
                .setSource("sampler")
                .setPhase(Report.Phase.RUNNING)
                .addCalibration(dev.autost.proto.v1.CalibrationStep.newBuilder()
                        .setMetric("params")
                        .setTrained(3)
                        .addCorrelations(dev.autost.proto.v1.MetricCorrelation.newBuilder()
                                .setMetric("params")
                                .setN(3)
                                .setKendallTauB(1.0)))
                .build();
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "it-calibrated")) {
            p.send(new ProducerRecord<>(Topics.EXPERIMENTS, id.getBytes(StandardCharsets.UTF_8), spec.toByteArray()))
                    .get();
            for (Score s : scores) {
                p.send(new ProducerRecord<>(
                                Topics.SCORES,
                                Topics.genomeKey(id, s.getGenomeHash()).getBytes(StandardCharsets.UTF_8),
                                s.toByteArray()))
                        .get();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (api.store().experiment(id).map(e -> e.scored()).orElse(0L) < 4 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            JsonObject before = new JsonObject(
                    get("/api/experiments/" + id + "/leaderboard").body());
            assertEquals(0, before.getJsonArray("rows").size(), "no metric chosen yet: " + before.encode());
            p.send(new ProducerRecord<>(Topics.REPORTS, id.getBytes(StandardCharsets.UTF_8), running.toByteArray()))
                    .get();
        }
        JsonObject status = waitForPhase(id, "running");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!status.containsKey("calibration") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = new JsonObject(get("/api/experiments/" + id).body());
        }
        JsonObject step = status.getJsonArray("calibration").getJsonObject(0);
        assertEquals("params", step.getString("metric"));
        assertEquals(1.0, step.getJsonObject("kendall_tau_b").getDouble("params"));
        JsonArray rows =
                new JsonObject(get("/api/experiments/" + id + "/leaderboard").body()).getJsonArray("rows");
        assertEquals(4, rows.size(), rows.encode());
        assertEquals(scores.get(0).getGenomeHash(), rows.getJsonObject(0).getString("hash"), "most params first");
        assertEquals(0.875, rows.getJsonObject(0).getDouble("score"), "its percentile among the four");
    }

    @Test
    void stop_runningExperiment_endsItAsStopped() throws Exception {
        assertEquals(
                201,
                post(
                                "/api/experiments",
                                "{\"space\": \"small\", \"seed\": 4, \"generations\": 5000, \"population\": 50, \"experiment_id\": \"api-long\"}",
                                TOKEN)
                        .statusCode());
        waitForPhase("api-long", "running");
        assertEquals(401, post("/api/experiments/api-long/stop", "", null).statusCode());
        assertEquals(202, post("/api/experiments/api-long/stop", "", TOKEN).statusCode());
        JsonObject stopped = waitForPhase("api-long", "stopped");
        assertTrue(stopped.getInteger("candidates_scored") < 5001 * 50);
    }
}
