package dev.autost.cli.chaos;

import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The pipeline as separate processes on one host: a broker ({@link BrokerMain}) and a sampler,
 * two scorers, an evaluator, a trainer and a prober ({@code autost service NAME}), each its own
 * JVM (the prober only works for searches on a probe metric). Like
 * a supervisor (systemd, a Kubernetes Deployment), it starts a replacement for a process that
 * was killed, and restarts any process that exits by itself (noted as an unexpected exit: the
 * trial reports it).
 */
final class ChaosCluster implements AutoCloseable {
    /** A process of the cluster. */
    enum Role {
        BROKER,
        SAMPLER,
        SCORER_A,
        SCORER_B,
        EVALUATOR,
        TRAINER,
        PROBER;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** How a trainer of this cluster trains: a small slice of Fashion-MNIST, so that epochs last seconds. */
    record TrainerLimits(int trainImages, int testImages) {}

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** A trainer stops after its epoch's checkpoint on SIGTERM: allow for an epoch. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);

    private final Path work;
    private final TrainerLimits limits;
    private final Map<Role, ChildJvm> running = new EnumMap<>(Role.class);
    private final Map<Role, Integer> incarnations = new EnumMap<>(Role.class);
    private final List<String> unexpectedExits = new ArrayList<>();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-supervisor");
        t.setDaemon(true);
        return t;
    });
    private String bootstrapServers;

    private ChaosCluster(Path work, TrainerLimits limits) {
        this.work = work;
        this.limits = limits;
    }

    /** Starts the broker, creates the topics, starts every service and waits until each runs. */
    static ChaosCluster start(Path work, TrainerLimits limits) {
        ChaosCluster c = new ChaosCluster(work, limits);
        try {
            c.startAll();
            try (Admin admin = KafkaClients.admin(c.bootstrapServers)) {
                TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
            }
            for (Role r : Role.values()) {
                c.awaitLog(r, r == Role.BROKER ? BrokerMain.READY : "running against");
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        c.supervisor.scheduleWithFixedDelay(c::superviseOnce, 250, 250, TimeUnit.MILLISECONDS);
        return c;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The process now playing {@code role}. */
    synchronized ChildJvm current(Role role) {
        return running.get(role);
    }

    /**
     * Kills {@code role} with SIGKILL and starts its replacement at once, as a supervisor would;
     * returns the {@link System#nanoTime()} of the kill.
     */
    synchronized long killAndReplace(Role role) {
        running.get(role).kill();
        long killedAt = System.nanoTime();
        start(role);
        return killedAt;
    }

    /**
     * SIGTERM to every process at once (a host shutdown), waits for each to exit, then starts them
     * all again; returns the {@link System#nanoTime()} of the SIGTERM. A process still running
     * after {@link #STOP_TIMEOUT} is killed, and that is noted.
     */
    synchronized long terminateAllAndRestart() {
        long at = System.nanoTime();
        running.values().forEach(ChildJvm::terminate);
        for (Map.Entry<Role, ChildJvm> e : running.entrySet()) {
            if (!e.getValue().awaitExit(STOP_TIMEOUT)) {
                unexpectedExits.add(e.getKey().id() + " ignored SIGTERM for " + STOP_TIMEOUT.toSeconds() + " s");
                e.getValue().kill();
            }
        }
        startAll();
        return at;
    }

    /** Waits until every process of the cluster runs and serves (after a kill, its replacement). */
    void awaitSteady() {
        for (Role r : Role.values()) {
            awaitLog(r, r == Role.BROKER ? BrokerMain.READY : "running against");
        }
    }

    /** What exited without being asked since the last call (role and exit status). */
    synchronized List<String> drainUnexpectedExits() {
        List<String> out = List.copyOf(unexpectedExits);
        unexpectedExits.clear();
        return out;
    }

    private void startAll() {
        start(Role.BROKER);
        bootstrapServers = awaitLog(Role.BROKER, BrokerMain.READY);
        for (Role r : Role.values()) {
            if (r != Role.BROKER) {
                start(r);
            }
        }
    }

    private synchronized void superviseOnce() {
        for (Map.Entry<Role, ChildJvm> e : List.copyOf(running.entrySet())) {
            if (!e.getValue().alive()) {
                unexpectedExits.add(
                        e.getKey().id() + " exited with status " + e.getValue().exitCode() + " (see "
                                + e.getValue().log().getFileName() + ")");
                start(e.getKey());
            }
        }
    }

    private synchronized void start(Role role) {
        int n = incarnations.merge(role, 1, Integer::sum);
        Path log = work.resolve("logs").resolve(role.id() + "-" + n + ".log");
        ChildJvm jvm = role == Role.BROKER
                ? ChildJvm.start(
                        BrokerMain.class.getName(),
                        List.of(work.resolve("kafka-data").toString()),
                        log)
                : ChildJvm.start("dev.autost.cli.Main", serviceArgs(role), log);
        running.put(role, jvm);
    }

    private List<String> serviceArgs(Role role) {
        String service = role.id().replaceFirst("-[ab]$", "");
        List<String> args = new ArrayList<>(
                List.of("service", service, "--bootstrap-servers", bootstrapServers, "--http-port", "0"));
        if (role == Role.TRAINER) {
            args.addAll(List.of(
                    "--checkpoint-dir",
                    work.resolve("checkpoints").toString(),
                    "--limit-train",
                    Integer.toString(limits.trainImages()),
                    "--limit-test",
                    Integer.toString(limits.testImages())));
        }
        return args;
    }

    /**
     * Waits until the current {@code role}'s log contains {@code marker}; returns the rest of that
     * line (the broker's address after {@link BrokerMain#READY}).
     */
    private String awaitLog(Role role, String marker) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ChildJvm jvm = current(role);
            try {
                for (String line : Files.readAllLines(jvm.log())) {
                    int i = line.indexOf(marker);
                    if (i >= 0) {
                        return line.substring(i + marker.length()).trim();
                    }
                }
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // not written yet
            }
            if (!jvm.alive()) {
                throw new IllegalStateException(role.id() + " exited while starting; see " + jvm.log());
            }
            sleep(100);
        }
        throw new IllegalStateException(role.id() + " did not start within " + START_TIMEOUT + "; see "
                + current(role).log());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the services, then the broker (SIGTERM, SIGKILL for what does not stop). */
    @Override
    public void close() {
        supervisor.shutdownNow();
        synchronized (this) {
            for (Role r : Role.values()) {
                ChildJvm jvm = running.get(r);
                if (r != Role.BROKER && jvm != null) {
                    jvm.terminate();
                }
            }
            for (Role r : Role.values()) {
                ChildJvm jvm = running.get(r);
                if (r != Role.BROKER && jvm != null && !jvm.awaitExit(Duration.ofSeconds(60))) {
                    jvm.kill();
                }
            }
            ChildJvm broker = running.get(Role.BROKER);
            if (broker != null) {
                broker.terminate();
                if (!broker.awaitExit(Duration.ofSeconds(30))) {
                    broker.kill();
                }
            }
        }
    }
}
