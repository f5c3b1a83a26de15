package dev.autost.cli.service;

import dev.autost.api.ApiVerticle;
import dev.autost.cli.options.ApiOptions;
import dev.autost.cli.options.ApiTokenOptions;
import dev.autost.cli.options.ClusterOption;
import dev.autost.cli.options.CommonOptions.TopicOptions;
import dev.autost.cli.options.ConcurrencyOption;
import dev.autost.cli.options.SamplerLimitsOption;
import dev.autost.cli.options.TrainerOptions;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.observability.Observability;
import dev.autost.trainer.TrainerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code autost serve}: the long-running mode of a lab. Runs the services (all, or those named)
 * and the HTTP API until stopped; experiments arrive through the API.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the services and the HTTP API until stopped (Ctrl-C / SIGTERM); experiments arrive through",
            "POST /api/experiments. Without --bootstrap-servers an embedded Kafka broker runs in this process",
            "(keep its data across restarts with --kafka-data DIR).",
            "The page is at http://127.0.0.1:PORT/ (--bind HOST elsewhere, e.g. 0.0.0.0",
            "in a container), the OpenAPI document at /openapi.yaml. A trainer runs too, so that experiments",
            "with train_top_k are trained (--no-trainer when trainers run elsewhere)."
        })
public final class ServeCommand implements Callable<Integer> {
    @Parameters(
            arity = "0..*",
            paramLabel = "SERVICE",
            description = "sampler, scorer, evaluator, prober, trainer (default: all five; all but the trainer with"
                    + " --no-trainer).")
    List<String> names = new ArrayList<>();

    @Option(
            names = "--no-trainer",
            description = "Run no trainer in this process: trainings wait for trainers elsewhere"
                    + " (`autost service trainer`); the page then says an experiment waits for one.")
    boolean noTrainer;

    @Mixin
    TrainerOptions trainer;

    @Mixin
    ConcurrencyOption concurrency;

    @Mixin
    ClusterOption cluster;

    @Option(names = "--kafka-data", paramLabel = "DIR", description = "Data folder of the embedded broker (kept).")
    Path kafkaData;

    @Option(
            names = "--secure",
            description = "Embedded broker: a SASL_SSL listener with SCRAM-SHA-512 and a self-made CA, used by the"
                    + " services of this process too; clients elsewhere take DATA_DIR/client.properties"
                    + " (owner-only, its path is printed) with --kafka-config.")
    boolean secure;

    @Mixin
    TopicOptions topics;

    @Mixin
    ApiOptions api;

    @Mixin
    SamplerLimitsOption samplerLimits;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (noTrainer && !names.isEmpty()) {
            throw new IllegalArgumentException("--no-trainer is for the default services; name the services instead");
        }
        List<LocalServices.Service> services = ServiceRun.parse(
                !names.isEmpty()
                        ? names
                        : noTrainer
                                ? List.of("sampler", "scorer", "evaluator", "prober")
                                : List.of("sampler", "scorer", "evaluator", "prober", "trainer"));
        TrainerConfig trainerSettings = trainer.template().withConcurrency(concurrency.concurrency(trainer.template()));
        if (secure && cluster.bootstrapServers() != null) {
            throw new IllegalArgumentException(
                    "--secure is for the embedded broker; with --bootstrap-servers pass --kafka-config instead");
        }
        // Checked before anything starts: a bad token option fails at once.
        ApiTokenOptions.Token token = api.enabled() ? api.token() : null;
        dev.autost.sampler.SamplerLimits limits = samplerLimits.limits();
        Observability obs = Observability.withoutServer();
        services.forEach(s -> obs.health().expect(s.id()));
        LocalServices local = ServiceRun.connect(
                () -> LocalServices.connect(
                                cluster.bootstrapServers(),
                                kafkaData,
                                secure,
                                topics.partitions(),
                                topics.replication(),
                                obs)
                        .samplerLimits(limits)
                        .trainerSettings(trainerSettings),
                obs);
        CountDownLatch stopped = ServiceRun.startUntilShutdown(local, services, obs);
        var err = spec.commandLine().getErr();
        if (api.enabled()) {
            ApiVerticle verticle = new ApiVerticle(
                            local.bootstrapServers(), api.server(), token.value(), Clock.systemUTC(), obs::mountOn)
                    .kafkaMetrics(obs.registry())
                    .maxQueuedExperiments(limits.maxQueuedExperiments());
            local.deploy(verticle);
            err.printf(
                    "autost serve: API and page on %s (OpenAPI at /openapi.yaml; %s)%n",
                    verticle.url(), verticle.accessSummary());
            // The path, never the token: output ends up in logs that others read.
            token.generatedFile()
                    .ifPresent(f -> err.printf(
                            token.kept()
                                    ? "autost serve: API token written to %s (%s)%n"
                                    : "autost serve: API token for this run in %s (%s; --api-token-file or $"
                                            + ApiTokenOptions.TOKEN_ENV + " to choose one)%n",
                            f,
                            token.describeFile()));
        }
        // The path of the credentials, never the credentials: output ends up in logs that others read.
        local.clientProperties()
                .ifPresent(f -> err.printf(
                        "autost serve: embedded broker on SASL_SSL (SCRAM-SHA-512); client properties in %s"
                                + " (owner-only: --kafka-config %s)%n",
                        f, f));
        err.printf(
                "autost serve: %s running against %s%s; Ctrl-C stops%n",
                services, local.bootstrapServers(), local.embeddedBroker() ? " (embedded broker)" : "");
        err.flush();
        stopped.await();
        return 0;
    }
}
