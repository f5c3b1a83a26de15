package dev.autost.api;

import static dev.autost.api.HttpReplies.error;
import static dev.autost.api.HttpReplies.json;
import static dev.autost.api.HttpReplies.resource;
import static dev.autost.api.HttpReplies.withExperiment;

import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.LoopVerticle;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.ServiceLoop;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSPHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API and web page: submit, list, inspect and stop experiments; leaderboards, Pareto
 * fronts, correlations and charts. Reads come from an {@link ExperimentStore} kept current by its
 * own replaying consumer; submissions and stops are published to {@code autost.experiments}.
 * Mutating calls need {@code Authorization: Bearer TOKEN}, checked before their body is read;
 * bodies are limited to {@link #BODY_LIMIT} bytes and never stored (no multipart uploads). The
 * OpenAPI document is served at {@code /openapi.yaml}. The server binds the host of its
 * {@link ApiServerConfig} (loopback by default), closes idle connections and caps open ones,
 * closes a connection whose request does not arrive in full within the request deadline, limits
 * each client's request rate (429), bounds the expensive reads (charts, leaderboards: 503 with
 * Retry-After when too many wait, never on the event loop), can require the token for reads,
 * and can serve the probes and metrics on a port of their own.
 * Every answer carries a Content-Security-Policy that lets the page run only its own
 * {@code /app.js}, which puts data into the page as text, never as markup.
 */
public final class ApiVerticle extends LoopVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

    /** Largest accepted request body: a search-space YAML is a few hundred bytes. */
    public static final int BODY_LIMIT = 64 * 1024;

    private final String bootstrapServers;
    private final ApiServerConfig server;
    private final String token;
    private final Clock clock;
    private final Consumer<Router> extraRoutes;
    private final ExperimentStore store = new ExperimentStore();
    private KafkaProducer<byte[], byte[]> producer;
    private HttpServer httpServer;
    private volatile HttpServer probeServer;
    private WorkerExecutor readPool;
    private ExperimentReads reads;
    private ExperimentCommands commands;
    private ClientRateLimit rateLimit;
    private long deadlineSweep = -1;
    /** Open connections of the public listener and what each waits for (the request deadline). */
    private final Map<HttpConnection, ConnectionDeadline> deadlines = new ConcurrentHashMap<>();

    /**
     * Chart renders that may wait or run at once: a render takes up to a second or two for a
     * large experiment, two run in parallel, and a reader waits at most a few seconds.
     */
    static final int MAX_PENDING_RENDERS = 8;

    /** Leaderboard queries that may wait or run at once (each a filter and sort of the scores). */
    static final int MAX_PENDING_LEADERBOARDS = 32;

    /** Seconds a busy answer (503) asks the client to wait. */
    static final int BUSY_RETRY_AFTER_S = HttpReplies.BUSY_RETRY_AFTER_S;

    /**
     * Since when a connection waits for a request to arrive in full: since it opened or its
     * previous answer (no request under way), or since the request's headers (its body under way).
     */
    private static final class ConnectionDeadline {
        volatile HttpServerRequest current;
        volatile long sinceNanos = System.nanoTime();
    }

    private final AtomicInteger openConnections = new AtomicInteger();
    private volatile boolean atCap;
    private volatile int maxQueuedExperiments = ExperimentPlan.DEFAULT_MAX_QUEUED_EXPERIMENTS;

    /**
     * @param server      where to listen, idle timeout and connection cap
     * @param token       bearer token for mutating calls; never null or blank
     * @param extraRoutes mounts more routes on the same server (e.g. /metrics), may be null
     */
    public ApiVerticle(
            String bootstrapServers, ApiServerConfig server, String token, Clock clock, Consumer<Router> extraRoutes) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.server = Objects.requireNonNull(server, "server");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("an API token is required for mutating calls");
        }
        this.token = token;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.extraRoutes = extraRoutes;
    }

    /**
     * Refuses a submission (400) while this many experiments wait for their search to begin: the
     * sampler's queue bound ({@code --max-queued-experiments}), so a submission it would refuse is
     * refused here before it is published.
     */
    public ApiVerticle maxQueuedExperiments(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max queued experiments must be at least 1, got " + n);
        }
        this.maxQueuedExperiments = n;
        return this;
    }

    /**
     * Reports the read model's consumer lag and the clients' throughput to {@code registry} (the
     * one behind {@code /metrics}); call before deployment.
     */
    public ApiVerticle kafkaMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        kafkaMetricsTo(Objects.requireNonNull(registry, "registry"));
        return this;
    }

    public ExperimentStore store() {
        return store;
    }

    /**
     * The page's address as bound, e.g. {@code http://127.0.0.1:8080/} ({@code 0.0.0.0} when
     * bound to every interface).
     */
    public String url() {
        String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
        return "http://" + host + ":" + actualPort() + "/";
    }

    /** The port the server listens on. */
    public int actualPort() {
        return httpServer == null ? -1 : httpServer.actualPort();
    }

    /** Who reads and where the probes are, for the startup line: "reads need the token; probes ...". */
    public String accessSummary() {
        return (server.readsNeedToken() ? "reads need the token" : "reads open to anyone who reaches it")
                + "; /health, /ready, /metrics on port " + probePort();
    }

    /** The port of the probes and metrics: their own, or {@link #actualPort()} when they share it. */
    public int probePort() {
        return probeServer == null ? actualPort() : probeServer.actualPort();
    }

    @Override
    protected ServiceLoop createLoop() {
        // The view only reads: no producer behind the replay.
        return ReplayingLoop.readOnly(
                "api",
                metered(KafkaClients.replayingConsumer(bootstrapServers, "autost-api-in")),
                List.of(Topics.EXPERIMENTS, Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS, Topics.TRAIN_PROGRESS),
                store,
                Duration.ofMillis(200),
                Duration.ofSeconds(60));
    }

    @Override
    public Future<?> start() {
        producer = metered(KafkaClients.producer(bootstrapServers, "autost-api-out"));
        readPool = vertx.createSharedWorkerExecutor("autost-api-reads", 2);
        reads = new ExperimentReads(
                store,
                new BoundedWork(readPool, MAX_PENDING_LEADERBOARDS, "leaderboard queries"),
                new ChartRenders(new BoundedWork(readPool, MAX_PENDING_RENDERS, "chart renders")));
        commands = new ExperimentCommands(vertx, store, clock, this::publish, () -> maxQueuedExperiments);
        rateLimit = new ClientRateLimit(server.clientRequestsPerSecond(), server.clientBurst());
        Router router = router();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(server.host())
                .setPort(server.port())
                .setIdleTimeout((int) server.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                // HTTP/1.1 only: with cleartext HTTP/2 on, Vert.x waits for a client's first
                // bytes before it makes a connection, so a silent socket escaped the cap.
                .setHttp2ClearTextEnabled(false);
        deadlineSweep = vertx.setPeriodic(250, t -> closeLate());
        Future<?> probes = Future.succeededFuture();
        if (server.probePort() != ApiServerConfig.PROBES_ON_API_PORT) {
            // A verticle of its own, so an event loop of its own: the public listener's load
            // never delays a probe.
            ProbeListener listener = new ProbeListener(server.host(), server.probePort(), extraRoutes);
            probes = vertx.deployVerticle(listener).onSuccess(id -> probeServer = listener.server);
        }
        Future<?> probesBound = probes;
        return super.start()
                .compose(v -> probesBound)
                .compose(v -> vertx.createHttpServer(options)
                        .connectionHandler(this::admit)
                        .requestHandler(req -> {
                            ConnectionDeadline d = deadlines.get(req.connection());
                            if (d != null) {
                                d.current = req;
                                d.sinceNanos = System.nanoTime();
                            }
                            router.handle(req);
                        })
                        .listen())
                .onSuccess(s -> httpServer = s);
    }

    /**
     * Closes the connections whose request has not arrived in full within the deadline: none
     * under way since the connection opened or its last answer, or a body still arriving.
     * A slow answer of ours is not held against the client.
     */
    private void closeLate() {
        long now = System.nanoTime();
        long deadline = server.requestDeadline().toNanos();
        deadlines.forEach((c, d) -> {
            HttpServerRequest req = d.current;
            if (req != null && req.response().ended()) {
                d.current = null;
                d.sinceNanos = now;
                return;
            }
            boolean late = now - d.sinceNanos > deadline;
            if (late && (req == null || !req.isEnded())) {
                LOG.debug("closing {}: no request in full within {}", c.remoteAddress(), server.requestDeadline());
                deadlines.remove(c);
                c.close();
            }
        });
    }

    @Override
    public Future<?> stop() {
        if (deadlineSweep >= 0) {
            vertx.cancelTimer(deadlineSweep);
        }
        Future<?> closed = httpServer == null ? Future.succeededFuture() : httpServer.close();
        // The probe listener is a child deployment: Vert.x undeploys it with this one.
        return closed.compose(v -> {
            if (readPool != null) {
                readPool.close();
            }
            producer.close(Duration.ofSeconds(5));
            return super.stop();
        });
    }

    /**
     * Holds at most {@link ApiServerConfig#maxConnections()} connections: one more is closed at
     * once (HTTP/1 has no way to answer before a request). Vert.x has no such limit of its own.
     */
    private void admit(HttpConnection connection) {
        if (openConnections.incrementAndGet() > server.maxConnections()) {
            openConnections.decrementAndGet();
            if (!atCap) {
                atCap = true;
                LOG.warn("{} connections open, the cap: closing new ones until some close", server.maxConnections());
            }
            connection.close();
            return;
        }
        deadlines.put(connection, new ConnectionDeadline());
        connection.closeHandler(v -> {
            deadlines.remove(connection);
            if (openConnections.decrementAndGet() < server.maxConnections()) {
                atCap = false;
            }
        });
    }

    Router router() {
        Router r = Router.router(vertx);
        // Refusals the router makes itself answer like the API's own: JSON naming the problem
        // (Vert.x's defaults are an empty 405 and an HTML 404). A 500 says nothing of its cause.
        r.errorHandler(
                404, ctx -> error(ctx, 404, "no such resource: " + ctx.request().path()));
        r.errorHandler(
                405,
                ctx -> error(
                        ctx,
                        405,
                        ctx.request().method() + " is not allowed on "
                                + ctx.request().path()));
        r.errorHandler(500, ctx -> {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            error(ctx, 500, "internal error; the API's log has the details");
        });
        // On every answer, before any route: the page may run only its own script and load only
        // its own resources, and nothing it serves is sniffed into another type.
        r.route()
                .handler(CSPHandler.create()
                        .setDirective("default-src", "'none'")
                        .setDirective("script-src", "'self'")
                        .setDirective("style-src", "'self'")
                        // blob: the page fetches charts with the token as blobs when reads need it.
                        .setDirective("img-src", "'self' blob:")
                        .setDirective("connect-src", "'self'")
                        .setDirective("base-uri", "'none'")
                        .setDirective("form-action", "'none'")
                        .setDirective("frame-ancestors", "'none'"));
        r.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer");
            ctx.next();
        });
        // Each client address in turn (behind a proxy: the proxy's; limit there too). Probes on
        // this port are never limited: a limited kubelet restarts the pod.
        r.route().handler(ctx -> {
            String path = ctx.request().path();
            boolean probe = extraRoutes != null
                    && server.probePort() == ApiServerConfig.PROBES_ON_API_PORT
                    && (path.equals("/health") || path.equals("/ready") || path.equals("/metrics"));
            var remote = ctx.request().remoteAddress();
            long wait = probe || remote == null ? 0 : rateLimit.take(remote.hostAddress(), System.nanoTime());
            if (wait > 0) {
                ctx.response().putHeader("Retry-After", Long.toString(wait));
                error(
                        ctx,
                        429,
                        "too many requests from " + remote.hostAddress() + ": at most "
                                + server.clientBurst() + " at once and " + server.clientRequestsPerSecond()
                                + " a second; try again in " + wait + " s");
                return;
            }
            ctx.next();
        });
        if (server.readsNeedToken()) {
            // Reads too: an API that others reach is not for anonymous readers. The page's own
            // files and the OpenAPI document stay open, so the page can ask for the token.
            r.route("/api/*").handler(this::authorized);
        }
        // The token is checked before any byte of a body is read, and uploads are never stored
        // (BodyHandler's default streams multipart files to ./file-uploads and keeps them). Two
        // routes: Vert.x Web refuses a user handler ahead of a BodyHandler on one route.
        r.post("/api/experiments").handler(this::authorized).handler(ApiVerticle::refuseMultipart);
        r.post("/api/experiments")
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(commands::submit);
        r.get("/api/experiments")
                .handler(ctx -> json(
                        ctx,
                        200,
                        new JsonArray(store.experiments().stream()
                                .map(e -> ApiResponses.summary(e, clock.millis()))
                                .toList())));
        r.get("/api/experiments/:id")
                .handler(ctx ->
                        withExperiment(store, ctx, e -> json(ctx, 200, ApiResponses.status(e, clock.millis()))));
        r.get("/api/experiments/:id/leaderboard").handler(reads::leaderboard);
        r.get("/api/experiments/:id/pareto").handler(reads::pareto);
        r.get("/api/experiments/:id/correlation").handler(reads::correlation);
        r.get("/api/experiments/:id/candidates/:hash").handler(reads::candidate);
        r.get("/api/experiments/:id/candidates/:hash/retrain.yaml").handler(reads::retrainYaml);
        r.get("/api/experiments/:id/charts/:name").handler(reads::chart);
        r.post("/api/experiments/:id/stop").handler(this::authorized).handler(commands::stop);
        r.get("/openapi.yaml").handler(ctx -> resource(ctx, "openapi.yaml", "application/yaml"));
        r.get("/").handler(ctx -> resource(ctx, "index.html", "text/html; charset=utf-8"));
        r.get("/app.js").handler(ctx -> resource(ctx, "app.js", "text/javascript; charset=utf-8"));
        r.get("/app.css").handler(ctx -> resource(ctx, "app.css", "text/css; charset=utf-8"));
        if (extraRoutes != null && server.probePort() == ApiServerConfig.PROBES_ON_API_PORT) {
            extraRoutes.accept(r);
        }
        return r;
    }

    private void authorized(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        String expected = "Bearer " + token;
        if (h == null
                || !MessageDigest.isEqual(
                        h.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            error(ctx, 401, "missing or wrong bearer token");
            return;
        }
        ctx.next();
    }

    /** The API takes a JSON or YAML document, never a form upload. */
    private static void refuseMultipart(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            error(ctx, 415, "multipart bodies are not accepted: send the experiment as JSON or YAML");
            return;
        }
        ctx.next();
    }

    private Future<Void> publish(ExperimentSpec spec) {
        Promise<Void> p = Promise.promise();
        producer.send(
                new ProducerRecord<>(
                        Topics.EXPERIMENTS,
                        Topics.experimentKey(spec.getExperimentId()).getBytes(StandardCharsets.UTF_8),
                        spec.toByteArray()),
                (meta, err) -> {
                    if (err != null) {
                        p.fail(err);
                    } else {
                        p.complete();
                    }
                });
        return p.future();
    }
}
