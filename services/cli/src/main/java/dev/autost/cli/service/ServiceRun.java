package dev.autost.cli.service;

import dev.autost.cli.pipeline.LocalServices;
import dev.autost.observability.Observability;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The life of a process that runs services until it is stopped (Ctrl-C / SIGTERM), shared by
 * {@code autost service} and {@code autost serve}. Where the process serves health endpoints,
 * their view follows the services: expected, started, stopped.
 */
final class ServiceRun {
    /** Exit status of a process one of whose services failed ({@code EX_SOFTWARE} of sysexits). */
    static final int EXIT_SERVICE_FAILED = 70;

    private ServiceRun() {}

    /**
     * The services named, in order; AutoST logs at INFO from here on (a service's log is its
     * operator's view).
     *
     * @throws IllegalArgumentException naming the known services
     */
    static List<LocalServices.Service> parse(Collection<String> names) {
        List<LocalServices.Service> services = new ArrayList<>();
        for (String n : names) {
            services.add(LocalServices.Service.parse(n));
        }
        System.setProperty("autost.log.level", System.getProperty("autost.log.level", "info"));
        return services;
    }

    /** Connects; on failure closes the endpoints ({@code observability} may be {@code null}) so the port is freed. */
    static LocalServices connect(Supplier<LocalServices> connect, Observability observability) {
        try {
            return connect.get();
        } catch (RuntimeException e) {
            if (observability != null) {
                observability.close();
            }
            throw e;
        }
    }

    /**
     * Starts {@code services} and has the process's shutdown stop them, then the endpoints;
     * returns a latch that opens once that is done.
     */
    static CountDownLatch startUntilShutdown(
            LocalServices local, List<LocalServices.Service> services, Observability observability) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (observability != null) {
                                services.forEach(s -> observability.health().stopped(s.id()));
                            }
                            local.close();
                            if (observability != null) {
                                observability.close();
                            }
                            stopped.countDown();
                        },
                        "autost-shutdown"));
        for (LocalServices.Service s : services) {
            local.start(s);
            if (observability != null) {
                observability.health().started(s.id());
            }
        }
        // A service whose loop died must not leave a process that looks alive: exit non-zero so
        // the supervisor (Kubernetes, systemd) restarts it; the shutdown hook stops the rest.
        local.failed()
                .thenAccept(error -> new Thread(
                                () -> {
                                    System.err.println(
                                            "autost: a service stopped on an unexpected error, exiting: " + error);
                                    System.err.flush();
                                    System.exit(EXIT_SERVICE_FAILED);
                                },
                                "autost-exit")
                        .start());
        return stopped;
    }
}
