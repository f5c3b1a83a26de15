package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.domain.genome.Genome;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.observability.Observability;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.Score;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's reads under a flood, over real HTTP against an experiment of 100 000 scores on an
 * embedded broker: expensive reads are bounded (503 with Retry-After), sockets that trickle are
 * closed at the request deadline, each client's rate is limited (429), reads can need the token,
 * and the probes on their own port answer fast throughout.
 */
class ApiUnderLoadIT {
    private static final String TOKEN = "load-test-token-0123456789";
    private static final String ID = "load";
    private static final int SCORES = 100_000;
    private static EmbeddedKafkaBroker broker;
    private static Vertx vertx;
    private static Observability obs;
    private static String bootstrap;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The kubelet's own client: not queued behind the flood's connections. */
    private static final HttpClient PROBE_HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
        }
        Score template = Score.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(ID)
                .build();
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, "load-scores")) {
            p.send(new ProducerRecord<>(
                    Topics.EXPERIMENTS,
                    ID.getBytes(StandardCharsets.UTF_8),
                    dev.autost.proto.v1.ExperimentSpec.newBuilder()
                            .setSchemaVersion(SchemaVersions.CURRENT)
                            .setExperimentId(ID)
                            .build()
                            .toByteArray()));
            for (int i = 0; i < SCORES; i++) {
                Genome g = distinct(i);
                String hash = g.hash();
                Score s = template.toBuilder()
                        .setGenome(GenomeMessages.toProto(g))
                        .setGenomeHash(hash)
                        .setGeneration(i / 1000)
                        .setFlopsFull(2e6)
                        .setEnergyPj(1e3)
                        .setParams(100_000 + (i * 7919L) % 900_000)
                        .setFlopsSyops(1e6 + (i * 104_729L) % 1_000_000)
                        .setSequence(i)
                        .build();
                p.send(new ProducerRecord<>(
                        Topics.SCORES, (ID + "/" + hash).getBytes(StandardCharsets.UTF_8), s.toByteArray()));
            }
            p.flush();
        }
        obs = Observability.withoutServer();
        vertx = Vertx.vertx();
    }

    /** Genome {@code i} of 100 000 distinct ones: depth 4, MLP ratios 1..8 by 0.5, heads 1..8. */
    private static Genome distinct(int i) {
        List<Double> mlp = new ArrayList<>();
        int rest = i;
        for (int layer = 0; layer < 4; layer++) {
            mlp.add(1.0 + 0.5 * (rest % 15));
            rest /= 15;
        }
        List<Integer> heads = new ArrayList<>();
        for (int layer = 0; layer < 4; layer++) {
            heads.add(1 << (rest % 4));
            rest /= 4;
        }
        return new Genome(4, mlp, heads, 64, 0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        if (obs != null) {
            obs.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static ApiVerticle deploy(ApiServerConfig config) throws Exception {
        ApiVerticle api = new ApiVerticle(bootstrap, config, TOKEN, Clock.systemUTC(), obs::mountOn);
        deployment = vertx.deployVerticle(api)
                .toCompletionStage()
                .toCompletableFuture()
                .get(120, TimeUnit.SECONDS);
        obs.health().started("api");
        return api;
    }

    private static String deployment;

    private static void undeploy() throws Exception {
        vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET, tried again while the connection is refused (the cap is full), as a browser does. */
    private static HttpResponse<String> getRetrying(int port, String path) {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return get(port, path, null);
            } catch (Exception e) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException(path + ": " + e, e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    throw new IllegalStateException(ie);
                }
            }
        }
    }

    /** A socket that sends the start of a request, then one byte every 500 ms. */
    private static Socket trickle(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write("GET /api/experiments HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    @Test
    void flood_of300Charts_and256TricklingSockets_healthAnswersUnderOneSecond() throws Exception {
        ApiVerticle api = deploy(ApiServerConfig.of("127.0.0.1", 0)
                .withProbePort(0)
                .withRequestDeadline(Duration.ofSeconds(3))
                .withClientRate(10_000, 10_000)); // one test client makes the whole flood
        try {
            int port = api.actualPort();
            assertEquals(SCORES, api.store().experiment(ID).orElseThrow().scored());
            assertEquals(404, get(port, "/health", null).statusCode(), "probes only on their own port");

            List<Socket> trickling = new ArrayList<>();
            for (int i = 0; i < ApiServerConfig.DEFAULT_MAX_CONNECTIONS; i++) {
                trickling.add(trickle(port));
            }
            AtomicBoolean flooding = new AtomicBoolean(true);
            Thread dripper = new Thread(() -> {
                while (flooding.get()) {
                    for (Socket s : trickling) {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write('s');
                            out.flush();
                        } catch (java.io.IOException closed) {
                            // closed by the server: what the deadline is for
                        }
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            dripper.start();

            AtomicLong worstHealthMs = new AtomicLong();
            AtomicLong healthChecks = new AtomicLong();
            Thread prober = new Thread(() -> {
                while (flooding.get()) {
                    long t0 = System.nanoTime();
                    try {
                        int status = PROBE_HTTP
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create("http://127.0.0.1:" + api.probePort() + "/health"))
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode();
                        assertEquals(200, status);
                    } catch (Exception e) {
                        worstHealthMs.set(Long.MAX_VALUE);
                        return;
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    worstHealthMs.accumulateAndGet(ms, Math::max);
                    healthChecks.incrementAndGet();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            prober.start();

            List<String> names = Charts.names();
            List<String> sorts = List.of("score", "params", "flops_syops", "energy_pj");
            List<CompletableFuture<HttpResponse<String>>> charts = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> boards = new ArrayList<>();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newCachedThreadPool();
            for (int i = 0; i < 300; i++) {
                // The connection cap is full of tricklers until the deadline closes them: a
                // refused connection is tried again, as a browser does.
                String path = "/api/experiments/" + ID + "/charts/" + names.get(i % names.size()) + ".png";
                charts.add(CompletableFuture.supplyAsync(() -> getRetrying(port, path), clients));
                String board = "/api/experiments/" + ID + "/leaderboard?limit=20&by=" + sorts.get(i % sorts.size())
                        + "&order=" + (i % 2 == 0 ? "asc" : "desc");
                boards.add(CompletableFuture.supplyAsync(() -> getRetrying(port, board), clients));
            }
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<HttpResponse<String>> f : charts) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    assertEquals("2", r.headers().firstValue("Retry-After").orElse(null));
                    busy++;
                }
            }
            int boardsOk = 0;
            int boardsBusy = 0;
            for (CompletableFuture<HttpResponse<String>> f : boards) {
                HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    boardsOk++;
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    assertEquals("2", r.headers().firstValue("Retry-After").orElse(null));
                    boardsBusy++;
                }
            }
            System.out.printf("ApiUnderLoadIT: %d leaderboards answered 200, %d answered 503%n", boardsOk, boardsBusy);
            assertTrue(boardsOk > 0, "some leaderboards answered");
            clients.shutdown();
            // The tricklers were closed by the deadline: each reads the end of its stream.
            int closed = 0;
            for (Socket s : trickling) {
                s.setSoTimeout(5_000);
                try (InputStream in = s.getInputStream()) {
                    while (in.read() >= 0) {
                        // a 4xx the server may send first
                    }
                    closed++;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // counted as not closed
                } catch (java.io.IOException reset) {
                    closed++;
                }
            }
            flooding.set(false);
            dripper.join();
            prober.join();
            System.out.printf(
                    "ApiUnderLoadIT: %d charts answered 200, %d answered 503; %d of %d trickling sockets closed;"
                            + " /health worst %d ms over %d checks%n",
                    ok, busy, closed, trickling.size(), worstHealthMs.get(), healthChecks.get());
            assertTrue(ok > 0, "some charts rendered");
            assertEquals(trickling.size(), closed, "every trickling socket closed at the deadline");
            assertTrue(healthChecks.get() > 5, "health checked during the flood");
            assertTrue(worstHealthMs.get() < 1_000, "worst /health " + worstHealthMs.get() + " ms");
            HttpResponse<String> board = get(port, "/api/experiments/" + ID + "/leaderboard?limit=5", null);
            assertEquals(200, board.statusCode(), board.body());
            assertTrue(board.body().contains("\"matching\":" + SCORES), board.body());
        } finally {
            undeploy();
        }
    }

    @Test
    void oneClientOverItsBurst_isAnswered429WithRetryAfter() throws Exception {
        // One request in 100 s after the burst: however slow the machine, the sixth comes too soon
        // (at 1 a second, five slow answers refilled the bucket and the sixth passed, under load).
        ApiVerticle api = deploy(ApiServerConfig.of("127.0.0.1", 0).withClientRate(0.01, 5));
        try {
            int port = api.actualPort();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, get(port, "/api/experiments", null).statusCode(), "request " + i);
            }
            HttpResponse<String> sixth = get(port, "/api/experiments", null);
            assertEquals(429, sixth.statusCode(), sixth.body());
            assertTrue(sixth.headers().firstValue("Retry-After").isPresent());
            assertTrue(sixth.body().contains("too many requests"), sixth.body());
            assertEquals(200, get(port, "/health", null).statusCode(), "probes are never limited");
        } finally {
            undeploy();
        }
    }

    @Test
    void readsNeedTheToken_whenSo_thePageStaysOpen() throws Exception {
        ApiVerticle api = deploy(ApiServerConfig.of("127.0.0.1", 0).withReadsNeedToken(true));
        try {
            int port = api.actualPort();
            assertEquals(401, get(port, "/api/experiments", null).statusCode());
            assertEquals(
                    401,
                    get(port, "/api/experiments/" + ID + "/charts/best-score.png", null)
                            .statusCode());
            assertEquals(
                    401, get(port, "/api/experiments", "wrong-token-0123456789").statusCode());
            assertEquals(200, get(port, "/api/experiments", TOKEN).statusCode());
            assertEquals(200, get(port, "/", null).statusCode(), "the page asks for the token");
            assertEquals(200, get(port, "/health", null).statusCode());
        } finally {
            undeploy();
        }
    }
}
