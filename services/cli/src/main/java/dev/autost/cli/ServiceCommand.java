package dev.autost.cli;

import dev.autost.cli.pipeline.LocalServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code autost service NAME...}: runs services in this process until stopped (Ctrl-C / SIGTERM). */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = {"Runs one or more services (sampler, scorer, evaluator) until stopped.",
            "Each instance creates missing topics, replays its state from Kafka and then serves.",
            "Scale the scorer by starting more instances: they share the candidates through a consumer group.",
            "Without --bootstrap-servers an embedded broker is started (for a laptop; it dies with the process)."})
final class ServiceCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "SERVICE", description = "sampler, scorer or evaluator.")
    List<String> names;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka cluster to join.")
    String bootstrapServers;

    @Option(names = "--partitions", description = "Partitions of topics this instance creates (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int partitions;

    @Option(names = "--replication", description = "Replication of topics this instance creates (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    short replication;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        List<LocalServices.Service> services = new ArrayList<>();
        for (String n : names) {
            try {
                services.add(LocalServices.Service.valueOf(n.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown service '" + n + "' (expected sampler, scorer or evaluator)");
            }
        }
        System.setProperty("autost.log.level", System.getProperty("autost.log.level", "info"));
        LocalServices local = LocalServices.connect(bootstrapServers, partitions, replication);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            local.close();
            stopped.countDown();
        }, "autost-shutdown"));
        for (LocalServices.Service s : services) {
            local.start(s);
        }
        spec.commandLine().getErr().printf("autost service: %s running against %s; Ctrl-C stops%n", names,
                local.bootstrapServers());
        spec.commandLine().getErr().flush();
        stopped.await();
        return 0;
    }
}
