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
 * {@link ApiServerConfig} (loopback by default), closes idle connections and caps open ones.
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
        Router router = router();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(server.host())
                .setPort(server.port())
                .setIdleTimeout((int) server.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                // HTTP/1.1 only: with cleartext HTTP/2 on, Vert.x waits for a client's first
                // bytes before it makes a connection, so a silent socket escaped the cap.
                .setHttp2ClearTextEnabled(false);
        return super.start()
                .compose(v -> vertx.createHttpServer(options)
                        .connectionHandler(this::admit)
                        .requestHandler(router)
                        .listen())
                .onSuccess(s -> httpServer = s);
    }

    @Override
    public Future<?> stop() {
        Future<?> closed = httpServer == null ? Future.succeededFuture() : httpServer.close();
        return closed.compose(v -> {
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
        connection.closeHandler(v -> {
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
                        .setDirective("img-src", "'self'")
                        .setDirective("connect-src", "'self'")
                        .setDirective("base-uri", "'none'")
                        .setDirective("form-action", "'none'")
                        .setDirective("frame-ancestors", "'none'"));
        r.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer");
            ctx.next();
        });
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
        if (extraRoutes != null) {
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
            Map<String, TrainResult> results = e.results();
            List<ScoreMessages.Ranked> ranking = query.apply(e.ranking(), results);
            String by = query.by();
            JsonArray rows = new JsonArray();
            for (int i = 0; i < Math.min(limit, ranking.size()); i++) {
                ScoreMessages.Ranked r = ranking.get(i);
                rows.add(
                        ApiResponses.row(i + 1, r.score(), results.get(r.score().getGenomeHash()))
                                .put("score", jsonNumber(r.outcome().score())));
            }
            json(
                    ctx,
                    200,
                    new JsonObject()
                            .put("id", e.id())
                            .put("by", by)
                            .put("order", query.ascending() ? "asc" : "desc")
                            .put("matching", ranking.size())
                            .put("objective", e.objective().id())
                            .put("candidates_scored", e.scored())
                            // Less than scored once finished: the summary's candidates (docs/operations.md).
                            .put("candidates_kept", e.kept())
                            .put("rows", rows));
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
            String name = ctx.pathParam("name");
            vertx.<byte[]>executeBlocking(() -> Charts.render(e, name.replace(".png", "")))
                    .onSuccess(png -> ctx.response()
                            .putHeader("Content-Type", "image/png")
                            .end(io.vertx.core.buffer.Buffer.buffer(png)))
                    .onFailure(
                            err -> error(ctx, err instanceof IllegalArgumentException ? 404 : 500, err.getMessage()));
        });
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
