package dev.autost.cli.service;

import dev.autost.api.ApiServerConfig;
import dev.autost.api.ApiVerticle;
import dev.autost.cli.options.ApiTokenOptions;
import dev.autost.cli.options.ClusterOption;
import dev.autost.cli.options.CommonOptions.TopicOptions;
import dev.autost.cli.options.ConcurrencyOption;
import dev.autost.cli.options.SamplerLimitsOption;
import dev.autost.cli.options.TrainerOptions;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.observability.Endpoints;
import dev.autost.observability.Observability;
import dev.autost.observability.ObservabilityConfig;
import dev.autost.trainer.TrainerConfig;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code autost service NAME...}: runs services in this process until stopped (Ctrl-C / SIGTERM). */
@Command(
        name = "service",
        mixinStandardHelpOptions = true,
        description = {
            "Runs one or more services (sampler, scorer, evaluator, trainer, prober, api) until stopped.",
            "Each instance creates missing topics, replays its state from Kafka and then serves.",
            "Scale the scorer (and the prober) by starting more instances: they share the work through a consumer group.",
            "The prober takes the trainer's --device and --data-dir.",
            "Without --bootstrap-servers an embedded broker is started (for a laptop; it dies with the process).",
            "Serves /metrics (Prometheus), /health and /ready on --http-port; with `api`, the HTTP API and page",
            "serve there too (on --bind; its token from --api-token-file or $AUTOST_API_TOKEN)."
        })
public final class ServiceCommand implements Callable<Integer> {
    /** The service name of the HTTP API (not a loop of its own: a verticle over its read model). */
    public static final String API = "api";

    // Public so deploy/checks can read this command's options and keep the manifests honest.
    @Parameters(
            arity = "1..*",
            paramLabel = "SERVICE",
            description = "sampler, scorer, evaluator, trainer, prober or api.")
    List<String> names;

    @Mixin
    ClusterOption cluster;

    @Mixin
    TopicOptions topics;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            description = "Port of " + Endpoints.METRICS + ", " + Endpoints.HEALTH + " and " + Endpoints.READY
                    + " (default: ${DEFAULT-VALUE}; 0 = no HTTP endpoints).",
            defaultValue = "" + Endpoints.DEFAULT_PORT)
    int httpPort;

    @Mixin
    TrainerOptions trainer;

    @Option(
            names = "--bind",
            paramLabel = "HOST",
            description = "With `api`: the address the API, its page and the endpoints listen on (default:"
                    + " ${DEFAULT-VALUE}, this machine only; 0.0.0.0 in a container).",
            defaultValue = ApiServerConfig.DEFAULT_HOST)
    String bind;

    @Mixin
    ApiTokenOptions apiToken;

    @Mixin
    dev.autost.cli.options.ApiAccessOptions apiAccess;

    @Mixin
    ConcurrencyOption concurrency;

    @Mixin
    SamplerLimitsOption samplerLimits;

    @Option(
            names = "--max-requests",
            description = "Trainer: exit after this many requests (0 = never; default: "
                    + "$AUTOST_TRAINER_MAX_REQUESTS or ${DEFAULT-VALUE}). One-shot jobs under KEDA's ScaledJob use 1.",
            defaultValue = "${env:AUTOST_TRAINER_MAX_REQUESTS:-0}")
    int maxRequests;

    @Option(
            names = "--idle-exit",
            paramLabel = "SECONDS",
            description = "Trainer with --max-requests: exit once it polled nothing and trained nothing for this"
                    + " long (default: ${DEFAULT-VALUE}; 0 = never). A one-shot Job assigned an empty partition"
                    + " otherwise polls for ever, holding its GPU.",
            defaultValue = "300")
    long idleExitSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        boolean api = names.contains(API);
        List<LocalServices.Service> services =
                ServiceRun.parse(names.stream().filter(n -> !n.equals(API)).toList());
        // Built (and so validated) before anything starts: a bad option fails at once.
        if (idleExitSeconds < 0) {
            throw new IllegalArgumentException("--idle-exit must be >= 0 seconds, got " + idleExitSeconds);
        }
        TrainerConfig oneShot = trainer.template()
                .withMaxRequests(maxRequests)
                .withIdleExit(
                        maxRequests > 0 ? java.time.Duration.ofSeconds(idleExitSeconds) : java.time.Duration.ZERO);
        TrainerConfig trainerSettings = oneShot.withConcurrency(concurrency.concurrency(oneShot));
        dev.autost.sampler.SamplerLimits limits = samplerLimits.limits();
        ApiTokenOptions.Token token = null;
        if (api) {
            if (httpPort == 0) {
                throw new IllegalArgumentException("the api service needs an --http-port to serve on");
            }
            token = apiToken.token();
        }
        // Checked before anything starts, as the token.
        ApiServerConfig server = api ? apiAccess.apply(ApiServerConfig.of(bind, httpPort)) : null;
        // Endpoints first: liveness answers and readiness says 503 while the services replay.
        // With the API they are mounted on its router instead, on the same port.
        Observability observability =
                api ? Observability.withoutServer() : httpPort == 0 ? null : startObservability(services);
        if (api) {
            services.forEach(svc -> observability.health().expect(svc.id()));
            observability.health().expect(API); // ready once its read model has replayed
        }
        LocalServices local = ServiceRun.connect(
                () -> LocalServices.connect(
                                cluster.bootstrapServers(),
                                null,
                                topics.partitions(),
                                topics.replication(),
                                observability)
                        .trainerSettings(trainerSettings)
                        .samplerLimits(limits),
                observability);
        CountDownLatch stopped = ServiceRun.startUntilShutdown(local, services, observability);
        if (api) {
            ApiVerticle verticle = new ApiVerticle(
                            local.bootstrapServers(),
                            server,
                            token.value(),
                            java.time.Clock.systemUTC(),
                            observability::mountOn)
                    .kafkaMetrics(observability.registry())
                    .maxQueuedExperiments(limits.maxQueuedExperiments());
            local.deploy(verticle); // returns once its read model has replayed the topics
            observability.health().started(API);
            spec.commandLine()
                    .getErr()
                    .printf(
                            "autost service: API and page on %s (OpenAPI at /openapi.yaml; %s)%n",
                            verticle.url(), verticle.accessSummary());
            // The path, never the token: output ends up in logs that others read.
            ApiTokenOptions.Token t = token;
            token.generatedFile()
                    .ifPresent(f -> spec.commandLine()
                            .getErr()
                            .printf("autost service: API token in %s (%s)%n", f, t.describeFile()));
        }
        spec.commandLine()
                .getErr()
                .printf(
                        "autost service: %s running against %s%s; Ctrl-C stops%n",
                        names,
                        local.bootstrapServers(),
                        observability == null || api
                                ? ""
                                // Bound on every interface (probes and scrapes reach a pod from outside).
                                : ", metrics on port " + observability.port() + " of every interface ("
                                        + Endpoints.METRICS + ", /health, /ready)");
        spec.commandLine().getErr().flush();
        if (maxRequests > 0 && services.contains(LocalServices.Service.TRAINER)) {
            // A one-shot worker: exit once its requests are done (the shutdown hook cleans up).
            local.trainerDone().join();
            spec.commandLine()
                    .getErr()
                    .printf(
                            "autost service: trainer %s; exiting%n",
                            local.trainerEndedIdle()
                                    ? "had nothing to do for " + idleExitSeconds + " s"
                                    : "handled its " + maxRequests + " request(s)");
            spec.commandLine().getErr().flush();
            return 0;
        }
        stopped.await();
        return 0;
    }

    private Observability startObservability(List<LocalServices.Service> services) throws InterruptedException {
        ObservabilityConfig config = ObservabilityConfig.ofPort(httpPort);
        try {
            Observability o = Observability.start(config)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            services.forEach(s -> o.health().expect(s.id()));
            return o;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot serve HTTP on port " + httpPort + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("HTTP endpoints did not start on port " + httpPort + " within 30 s", e);
        }
    }
}
