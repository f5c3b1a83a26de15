package dev.autost.api;

import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.LoopVerticle;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.ServiceLoop;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSPHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private final java.util.Set<String> submitted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private KafkaProducer<byte[], byte[]> producer;
    private HttpServer httpServer;
    private volatile HttpServer probeServer;
    private io.vertx.core.WorkerExecutor readPool;
    private BoundedWork leaderboards;
    private ChartRenders charts;
    private ClientRateLimit rateLimit;
    private long deadlineSweep = -1;
    /** Open connections of the public listener and what each waits for (the request deadline). */
    private final Map<HttpConnection, ConnectionDeadline> deadlines = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Chart renders that may wait or run at once: a render takes up to a second or two for a
     * large experiment, two run in parallel, and a reader waits at most a few seconds.
     */
    static final int MAX_PENDING_RENDERS = 8;

    /** Leaderboard queries that may wait or run at once (each a filter and sort of the scores). */
    static final int MAX_PENDING_LEADERBOARDS = 32;

    /** Seconds a busy answer (503) asks the client to wait. */
    static final int BUSY_RETRY_AFTER_S = 2;

    /**
     * Since when a connection waits for a request to arrive in full: since it opened or its
     * previous answer (no request under way), or since the request's headers (its body under way).
     */
    private static final class ConnectionDeadline {
        volatile io.vertx.core.http.HttpServerRequest current;
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
                KafkaClients.replayingConsumer(bootstrapServers, "autost-api-in"),
                List.of(Topics.EXPERIMENTS, Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS, Topics.TRAIN_PROGRESS),
                store,
                Duration.ofMillis(200),
                Duration.ofSeconds(60));
    }

    @Override
    public Future<?> start() {
        producer = KafkaClients.producer(bootstrapServers, "autost-api-out");
        readPool = vertx.createSharedWorkerExecutor("autost-api-reads", 2);
        leaderboards = new BoundedWork(readPool, MAX_PENDING_LEADERBOARDS, "leaderboard queries");
        charts = new ChartRenders(new BoundedWork(readPool, MAX_PENDING_RENDERS, "chart renders"));
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

    /** {@code /health}, {@code /ready} and {@code /metrics} on a port of their own. */
    private static final class ProbeListener extends io.vertx.core.VerticleBase {
        private final String host;
        private final int port;
        private final Consumer<Router> routes;
        volatile HttpServer server;

        ProbeListener(String host, int port, Consumer<Router> routes) {
            this.host = host;
            this.port = port;
            this.routes = routes;
        }

        @Override
        public Future<?> start() {
            Router r = Router.router(vertx);
            if (routes != null) {
                routes.accept(r);
            }
            return vertx.createHttpServer(
                            new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false))
                    .requestHandler(r)
                    .listen()
                    .onSuccess(s -> server = s);
        }
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
            io.vertx.core.http.HttpServerRequest req = d.current;
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
                .handler(this::submit);
        r.get("/api/experiments")
                .handler(ctx -> json(
                        ctx,
                        200,
                        new JsonArray(store.experiments().stream()
                                .map(e -> ApiResponses.summary(e, clock.millis()))
                                .toList())));
        r.get("/api/experiments/:id")
                .handler(ctx -> withExperiment(ctx, e -> json(ctx, 200, ApiResponses.status(e, clock.millis()))));
        r.get("/api/experiments/:id/leaderboard").handler(this::leaderboard);
        r.get("/api/experiments/:id/pareto").handler(this::pareto);
        r.get("/api/experiments/:id/correlation").handler(this::correlation);
        r.get("/api/experiments/:id/candidates/:hash").handler(this::candidate);
        r.get("/api/experiments/:id/candidates/:hash/retrain.yaml").handler(this::retrainYaml);
        r.get("/api/experiments/:id/charts/:name").handler(this::chart);
        r.post("/api/experiments/:id/stop").handler(this::authorized).handler(this::stopExperiment);
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

    private void submit(RoutingContext ctx) {
        String body = ctx.body().asString();
        if (body == null || body.isBlank()) {
            error(ctx, 400, "empty body: send the experiment as JSON or YAML");
            return;
        }
        // Off the event loop: the feasibility check draws a first generation as the sampler would.
        vertx.<ExperimentSpec>executeBlocking(() -> new SubmissionParser(clock).parse(body), false)
                .onSuccess(spec -> submit(ctx, spec))
                .onFailure(e -> {
                    if (e instanceof SubmissionParser.BadSubmissionException) {
                        error(ctx, 400, e.getMessage());
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private void submit(RoutingContext ctx, ExperimentSpec spec) {
        // The store learns of a spec only when it reads it back from Kafka; ids submitted here
        // are remembered too, so a duplicate right after the first submission is refused, until
        // the store has read them (then it answers, and the set stays as small as that lag).
        submitted.removeIf(id ->
                store.experiment(id).flatMap(ExperimentStore.Experiment::spec).isPresent());
        if (!submitted.add(spec.getExperimentId())
                || store.experiment(spec.getExperimentId())
                        .flatMap(ExperimentStore.Experiment::spec)
                        .isPresent()) {
            error(ctx, 409, "experiment " + spec.getExperimentId() + " already exists");
            return;
        }
        long waiting = store.waiting();
        if (waiting >= maxQueuedExperiments) {
            submitted.remove(spec.getExperimentId());
            error(
                    ctx,
                    400,
                    "the queue is full: " + waiting + " experiments wait for a running slot (at most "
                            + maxQueuedExperiments + ": --max-queued-experiments); submit it again later");
            return;
        }
        publish(spec)
                .onSuccess(v -> json(
                        ctx,
                        201,
                        new JsonObject()
                                .put("id", spec.getExperimentId())
                                .put("status", "/api/experiments/" + spec.getExperimentId())))
                .onFailure(e -> {
                    submitted.remove(spec.getExperimentId());
                    error(ctx, 503, "cannot publish to Kafka: " + e.getMessage());
                });
    }

    private void stopExperiment(RoutingContext ctx) {
        withExperiment(ctx, e -> {
            Optional<ExperimentSpec> spec = e.spec();
            if (spec.isEmpty()) {
                error(ctx, 404, "experiment " + e.id() + " has no spec");
                return;
            }
            ExperimentSpec stopped = spec.get().toBuilder()
                    .putOptions(ExperimentPlan.STOPPED_OPTION, "true")
                    .build();
            publish(stopped)
                    .onSuccess(v ->
                            json(ctx, 202, new JsonObject().put("id", e.id()).put("stopping", true)))
                    .onFailure(err -> error(ctx, 503, "cannot publish to Kafka: " + err.getMessage()));
        });
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

    private void leaderboard(RoutingContext ctx) {
        withExperiment(ctx, e -> {
            int limit = intParam(ctx, "limit", 50);
            LeaderboardQuery query;
            try {
                query = LeaderboardQuery.parse(ctx.request()::getParam);
            } catch (IllegalArgumentException bad) {
                error(ctx, 400, bad.getMessage());
                return;
            }
            LeaderboardQuery q = query;
            // Off the event loop: ranking and filtering 100 000 scores takes tens of milliseconds.
            leaderboards
                    .submit(() -> {
                        Map<String, TrainResult> results = e.results();
                        List<ScoreMessages.Ranked> ranking = q.apply(e.ranking(), results);
                        JsonArray rows = new JsonArray();
                        for (int i = 0; i < Math.min(limit, ranking.size()); i++) {
                            ScoreMessages.Ranked r = ranking.get(i);
                            rows.add(ApiResponses.row(
                                            i + 1,
                                            r.score(),
                                            results.get(r.score().getGenomeHash()))
                                    .put("score", jsonNumber(r.outcome().score())));
                        }
                        return new JsonObject()
                                .put("id", e.id())
                                .put("by", q.by())
                                .put("order", q.ascending() ? "asc" : "desc")
                                .put("matching", ranking.size())
                                .put("objective", e.objective().id())
                                .put("candidates_scored", e.scored())
                                // Less than scored once finished: the summary's candidates (docs/operations.md).
                                .put("candidates_kept", e.kept())
                                .put("rows", rows);
                    })
                    .onSuccess(o -> json(ctx, 200, o))
                    .onFailure(err -> failRead(ctx, err));
        });
    }

    /** JSON has no infinities: a gated or failed probe's minus infinity becomes null. */
    private static Double jsonNumber(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private void pareto(RoutingContext ctx) {
        withExperiment(ctx, e -> {
            Report ev = e.evaluation().orElse(null);
            Map<String, TrainResult> results = e.results();
            JsonObject o = new JsonObject().put("id", e.id());
            if (ev == null) {
                o.put("energy", new JsonArray()).put("params", new JsonArray()).put("objective", "pending");
            } else {
                o.put(
                        "objective",
                        ev.getCorrelationsCount() > 0
                                        || results.values().stream().anyMatch(TrainMessages::succeeded)
                                ? "test_accuracy"
                                : e.objective().id()); // the evaluator's front before training
                o.put("energy", rows(e, ev.getParetoEnergyList(), results));
                o.put("params", rows(e, ev.getParetoParamsList(), results));
            }
            json(ctx, 200, o);
        });
    }

    private static JsonArray rows(ExperimentStore.Experiment e, List<String> hashes, Map<String, TrainResult> results) {
        JsonArray a = new JsonArray();
        int rank = 0;
        for (String h : hashes) {
            int r = ++rank;
            e.score(h).ifPresent(s -> a.add(ApiResponses.row(r, s, results.get(h))));
        }
        return a;
    }

    private void correlation(RoutingContext ctx) {
        withExperiment(ctx, e -> {
            JsonArray a = new JsonArray();
            e.evaluation().ifPresent(ev -> ev.getCorrelationsList().forEach(c -> a.add(ApiResponses.correlation(c))));
            json(
                    ctx,
                    200,
                    new JsonObject()
                            .put("id", e.id())
                            .put(
                                    "trained",
                                    e.results().values().stream()
                                            .filter(TrainMessages::succeeded)
                                            .count())
                            .put("metrics", a));
        });
    }

    private void candidate(RoutingContext ctx) {
        withCandidate(ctx, (e, s) -> json(ctx, 200, ApiResponses.candidate(e, s)));
    }

    /** The candidate in the official RETRAIN format, as a download. */
    private void retrainYaml(RoutingContext ctx) {
        withCandidate(ctx, (e, s) -> {
            ctx.response()
                    .putHeader("Content-Type", "application/yaml; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"retrain-" + s.getGenomeHash() + ".yaml\"")
                    .end(ApiResponses.retrainYaml(s));
        });
    }

    private void chart(RoutingContext ctx) {
        withExperiment(ctx, e -> {
            String name = ctx.pathParam("name").replace(".png", "");
            if (!Charts.names().contains(name)) {
                error(ctx, 404, "no chart '" + name + "' (expected one of " + Charts.names() + ")");
                return;
            }
            charts.png(e, name)
                    .onSuccess(png -> ctx.response()
                            .putHeader("Content-Type", "image/png")
                            .end(io.vertx.core.buffer.Buffer.buffer(png)))
                    .onFailure(err -> failRead(ctx, err));
        });
    }

    /** A bounded read that failed: 503 with Retry-After when busy, 404 for a bad name, else 500. */
    private static void failRead(RoutingContext ctx, Throwable err) {
        if (ctx.response().closed()) {
            return;
        }
        if (err instanceof BoundedWork.BusyException) {
            ctx.response().putHeader("Retry-After", Integer.toString(BUSY_RETRY_AFTER_S));
            error(ctx, 503, "busy: " + err.getMessage() + " in " + BUSY_RETRY_AFTER_S + " s");
        } else if (err instanceof IllegalArgumentException) {
            error(ctx, 404, err.getMessage());
        } else {
            ctx.fail(err);
        }
    }

    /** {@link #withExperiment}, then the candidate {@code :hash} of it, or 404 naming both. */
    private void withCandidate(
            RoutingContext ctx, java.util.function.BiConsumer<ExperimentStore.Experiment, Score> then) {
        withExperiment(ctx, e -> {
            String hash = ctx.pathParam("hash");
            Optional<Score> s = e.score(hash);
            if (s.isEmpty()) {
                error(
                        ctx,
                        404,
                        e.summarised()
                                ? "candidate " + hash + " is not among the " + e.kept()
                                        + " kept of finished experiment "
                                        + e.id() + " (a finished experiment keeps its best and trained candidates;"
                                        + " `autost report` reads all its scores while the topic retains them)"
                                : "no candidate " + hash + " in experiment " + e.id());
                return;
            }
            then.accept(e, s.get());
        });
    }

    private void withExperiment(RoutingContext ctx, Consumer<ExperimentStore.Experiment> then) {
        String id = ctx.pathParam("id");
        Optional<ExperimentStore.Experiment> e = store.experiment(id);
        if (e.isEmpty()) {
            error(ctx, 404, "no experiment " + id);
            return;
        }
        then.accept(e.get());
    }

    private static int intParam(RoutingContext ctx, String name, int dflt) {
        String v = ctx.request().getParam(name);
        try {
            return v == null ? dflt : Math.max(0, Math.min(10_000, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode());
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message).put("status", status));
    }

    private static void resource(RoutingContext ctx, String name, String type) {
        try (InputStream in = ApiVerticle.class.getResourceAsStream("/dev/autost/api/" + name)) {
            if (in == null) {
                error(ctx, 404, "missing resource " + name);
                return;
            }
            ctx.response().putHeader("Content-Type", type).end(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            error(ctx, 500, e.getMessage());
        }
    }
}
