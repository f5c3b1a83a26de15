package dev.autost.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Objects;

/**
 * The observability of one JVM: a Prometheus {@link MeterRegistry} with JVM meters, a Vert.x
 * instance whose event loops, HTTP server and pools report into that registry, the
 * {@link ServiceHealth} of the JVM's services, and the {@link ObservabilityVerticle} serving
 * them.
 *
 * <p>Services record their own meters in {@link #registry()}. A service deployed on
 * {@link #vertx()} also gets Vert.x meters ({@code vertx_*}); one deployed on another Vert.x
 * instance only gets the meters it records itself.
 */
public final class Observability implements AutoCloseable {

    private final Vertx vertx;
    private final PrometheusRegistries.Registry metrics;
    private final ServiceHealth health;
    private final ObservabilityVerticle verticle;
    private final AutostMeters meters;

    private Observability(
            Vertx vertx, PrometheusRegistries.Registry metrics, ServiceHealth health, ObservabilityVerticle verticle) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.health = health;
        this.verticle = verticle;
        this.meters = new AutostMeters(metrics.prometheus());
        // /ready as a series: Prometheus sees a process that answers but never became ready
        // (stuck replaying, a service stopped), which `up` alone does not show.
        io.micrometer.core.instrument.Gauge.builder(AutostMeters.SERVICE_READY, health, h -> h.ready() ? 1 : 0)
                .description("1 when every service of this process has replayed its state and serves (/ready)")
                .register(metrics.prometheus());
    }

    /**
     * Builds the registry and a metrics-enabled Vert.x, and serves the endpoints.
     *
     * @return completes once the port is bound; fails (and releases everything) otherwise
     */
    public static Future<Observability> start(ObservabilityConfig config) {
        Objects.requireNonNull(config, "config");
        PrometheusRegistries.Registry metrics = PrometheusRegistries.newRegistry();
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(metrics.prometheus()))
                .build();
        ServiceHealth health = new ServiceHealth();
        ObservabilityVerticle verticle = new ObservabilityVerticle(config, metrics.prometheus(), health);
        return vertx.deployVerticle(verticle)
                .map(id -> new Observability(vertx, metrics, health, verticle))
                .recover(e -> {
                    // Not chained on close(): its continuation would run on an event loop that is gone.
                    vertx.close();
                    metrics.close();
                    return Future.failedFuture(e);
                });
    }

    /**
     * The registry, metrics-enabled Vert.x and health without a server of their own: for a JVM
     * whose API mounts the endpoints ({@link ObservabilityVerticle#mount}).
     */
    public static Observability withoutServer() {
        PrometheusRegistries.Registry metrics = PrometheusRegistries.newRegistry();
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(metrics.prometheus()))
                .build();
        return new Observability(vertx, metrics, new ServiceHealth(), null);
    }

    /** Mounts /metrics, /health and /ready on {@code router}. */
    public void mountOn(io.vertx.ext.web.Router router) {
        ObservabilityVerticle.mount(router, metrics.prometheus(), health);
    }

    /** The AutoST meters on this registry. */
    public AutostMeters meters() {
        return meters;
    }

    /** Where services record their meters. */
    public MeterRegistry registry() {
        return metrics.prometheus();
    }

    /** The same registry, for code that needs the Prometheus text ({@code scrape()}). */
    public PrometheusMeterRegistry prometheusRegistry() {
        return metrics.prometheus();
    }

    public ServiceHealth health() {
        return health;
    }

    /** The metrics-enabled Vert.x that serves the endpoints; services may be deployed on it. */
    public Vertx vertx() {
        return vertx;
    }

    /** The bound port. */
    public int port() {
        return verticle == null ? -1 : verticle.actualPort();
    }

    /** Stops serving, closes Vert.x and the registry's binders; blocks until done. */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // Closing is best effort: the process is going away.
        } finally {
            metrics.close();
        }
    }
}
