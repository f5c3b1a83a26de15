package dev.autost.cli;

import dev.autost.api.ApiVerticle;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.observability.Observability;
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
            "(keep its data across restarts with --kafka-data DIR). The page is at http://localhost:PORT/,",
            "the OpenAPI document at /openapi.yaml."
        })
final class ServeCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "SERVICE", description = "sampler, scorer, evaluator (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka cluster to join.")
    String bootstrapServers;

    @Option(names = "--kafka-data", paramLabel = "DIR", description = "Data folder of the embedded broker (kept).")
    Path kafkaData;

    @Option(
            names = "--partitions",
            description = "Partitions of topics created here (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int partitions;

    @Option(
            names = "--replication",
            description = "Replication of topics created here (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    short replication;

    @Mixin
    ApiOptions api = new ApiOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        List<LocalServices.Service> services = new ArrayList<>();
        for (String n : names.isEmpty() ? List.of("sampler", "scorer", "evaluator") : names) {
            services.add(LocalServices.Service.parse(n));
        }
        System.setProperty("autost.log.level", System.getProperty("autost.log.level", "info"));
        Observability obs = Observability.withoutServer();
        services.forEach(s -> obs.health().expect(s.id()));
        LocalServices local;
        try {
            local = LocalServices.connect(bootstrapServers, kafkaData, partitions, replication, obs);
        } catch (RuntimeException e) {
            obs.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            services.forEach(s -> obs.health().stopped(s.id()));
                            local.close();
                            obs.close();
                            stopped.countDown();
                        },
                        "autost-shutdown"));
        for (LocalServices.Service s : services) {
            local.start(s);
            obs.health().started(s.id());
        }
        var err = spec.commandLine().getErr();
        if (!api.noHttp) {
            String token = api.tokenOrRandom();
            ApiVerticle verticle =
                    new ApiVerticle(local.bootstrapServers(), api.httpPort, token, Clock.systemUTC(), obs::mountOn);
            local.deploy(verticle);
            err.printf(
                    "autost serve: API and page on http://localhost:%d/ (OpenAPI at /openapi.yaml, metrics at /metrics)%n",
                    verticle.actualPort());
            if (!api.explicitToken()) {
                err.printf(
                        "autost serve: API token for this run (set --api-token or AUTOST_API_TOKEN to choose one): %s%n",
                        token);
            }
        }
        err.printf(
                "autost serve: %s running against %s%s; Ctrl-C stops%n",
                services, local.bootstrapServers(), local.embeddedBroker() ? " (embedded broker)" : "");
        err.flush();
        stopped.await();
        return 0;
    }
}
