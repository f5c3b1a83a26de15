package dev.autost.observability;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Map;
import java.util.Objects;

/**
 * Serves {@link Endpoints#METRICS}, {@link Endpoints#HEALTH} and {@link Endpoints#READY}. One
 * concern: it reads the registry and the health state, and owns nothing else. {@code start()}
 * completes once the port is bound; a failed bind fails the deployment.
 */
public final class ObservabilityVerticle extends VerticleBase {

    private final ObservabilityConfig config;
    private final PrometheusMeterRegistry registry;
    private final ServiceHealth health;
    private HttpServer server;

    public ObservabilityVerticle(ObservabilityConfig config, PrometheusMeterRegistry registry, ServiceHealth health) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        mount(router, registry, health);
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(config.port(), config.host())
                .onSuccess(s -> server = s);
    }

    /** The bound port (the chosen one when the config asked for 0); -1 before start. */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    /**
     * Adds the three endpoints to another router, so a JVM that already serves HTTP (the API of
     * {@code autost serve}) exposes them on the same port.
     */
    public static void mount(Router router, PrometheusMeterRegistry registry, ServiceHealth health) {
        router.get(Endpoints.METRICS).handler(PrometheusScrapingHandler.create(registry));
        router.get(Endpoints.HEALTH).handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
        router.get(Endpoints.READY).handler(ctx -> ready(ctx, health));
    }

    private static void ready(RoutingContext ctx, ServiceHealth health) {
        boolean ready = health.ready();
        JsonObject services = new JsonObject();
        health.snapshot().forEach((name, state) -> services.put(name, state.name()));
        JsonObject body =
                new JsonObject().put("status", ready ? "READY" : "NOT_READY").put("services", services);
        Map<String, String> progress = health.progress();
        if (!progress.isEmpty()) { // a long replay is slow, not stuck: say how far each got
            JsonObject replay = new JsonObject();
            progress.forEach(replay::put);
            body.put("replay", replay);
        }
        json(ctx, ready ? 200 : 503, body);
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store")
                .end(body.encode());
    }
}
