package dev.autost.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) inside this JVM, for tests and
 * the all-in-one launcher.
 *
 * <p>{@link #start()} picks free loopback ports for the PLAINTEXT and CONTROLLER listeners (on a
 * configured data dir from an earlier run, the ports that run used),
 * formats the storage exactly as {@code kafka-storage.sh format --ignore-formatted} does, starts
 * {@link KafkaRaftServer} and returns once an Admin {@code describeCluster()} answers. {@link
 * #close()} shuts the server down, waits for it and deletes the data directory if it was a
 * temporary one. Not thread-safe; one start and one close per instance.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
 *   String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>{@link Builder#optSecure()} replaces the PLAINTEXT listener by a SASL_SSL one with
 * SCRAM-SHA-512 and a self-made CA ({@link BrokerSecurity}); clients then need the properties
 * of {@link #clientProperties()}. A configured data dir that was secure once stays secure.
 *
 * <p>Caveat: a fatal error inside the broker makes Kafka call {@code Exit.halt}, which ends
 * this JVM; that is Kafka's behaviour and is not intercepted here.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** A free port can be taken by someone else between probing and binding; retry with new ones. */
    private static final int BIND_ATTEMPTS = 3;

    /** The configuration each start writes into the data dir (and a restart reads its ports from). */
    static final String SERVER_PROPERTIES = "server.properties";

    private final Path configuredDataDir;
    private final Path tempDirParent;
    private final Map<String, String> overrides;
    private final Duration startTimeout;
    private final boolean secureRequested;

    private Path dataDir;
    private BrokerSecurity security;
    private boolean deleteOnClose;
    private KafkaRaftServer server;
    private String bootstrapServers;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.configuredDataDir = builder.dataDir;
        this.tempDirParent = builder.tempDirParent;
        this.overrides = Map.copyOf(builder.overrides);
        this.startTimeout = builder.startTimeout;
        this.secureRequested = builder.secure;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage if needed, starts the broker and waits until it answers.
     *
     * @return this broker, for try-with-resources
     * @throws IllegalStateException if it does not start or answer within the start timeout
     * @throws IllegalStateException if already started or closed
     */
    public EmbeddedKafkaBroker start() {
        if (server != null || closed) {
            throw new IllegalStateException("EmbeddedKafkaBroker can be started once; closed=" + closed);
        }
        long begin = System.nanoTime();
        try {
            prepareDataDir();
            prepareSecurity();
            int[] recorded = configuredDataDir == null ? null : KRaftStorage.recordedPorts(dataDir);
            for (int attempt = 1; ; attempt++) {
                int brokerPort = recorded != null ? recorded[0] : freePort();
                int controllerPort = recorded != null ? recorded[1] : freePort();
                Properties props =
                        KRaftStorage.serverProperties(dataDir, brokerPort, controllerPort, security, overrides);
                KRaftStorage.format(dataDir, props, security);
                KafkaRaftServer candidate = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                try {
                    candidate.startup();
                    server = candidate;
                    bootstrapServers = "127.0.0.1:" + brokerPort;
                    break;
                } catch (Exception e) { // Scala code may throw undeclared checked exceptions
                    stopQuietly(candidate);
                    if (recorded != null && causedByBind(e)) {
                        throw new IllegalStateException(
                                "Embedded Kafka broker did not start: its ports "
                                        + brokerPort + " and " + controllerPort + " (kept in "
                                        + dataDir.resolve(SERVER_PROPERTIES)
                                        + " so that clients can rejoin it) are taken; is another broker running on "
                                        + dataDir
                                        + "?",
                                e);
                    }
                    if (attempt >= BIND_ATTEMPTS || !causedByBind(e)) {
                        throw new IllegalStateException("Embedded Kafka broker did not start: " + e, e);
                    }
                    LOG.warn("Port taken while starting broker (attempt {}), retrying: {}", attempt, e);
                }
            }
            awaitReady(begin + startTimeout.toNanos());
        } catch (RuntimeException e) {
            close();
            throw e instanceof IllegalStateException
                    ? e
                    : new IllegalStateException("Embedded Kafka broker did not start: " + e, e);
        }
        LOG.info(
                "Embedded Kafka broker at {} started in {} ms (data {}{})",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                dataDir,
                // The path of the credentials, never the credentials: logs are read by others.
                security == null ? "" : "; SASL_SSL, client properties in " + security.clientPropertiesFile());
        return this;
    }

    /** {@code host:port} of the client listener (PLAINTEXT, or SASL_SSL when secure), for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        if (bootstrapServers == null || closed) {
            throw new IllegalStateException("broker is not running");
        }
        return bootstrapServers;
    }

    /** Whether clients must use the SASL_SSL listener (asked for, or a data dir that was secure before). */
    public boolean secure() {
        return security != null;
    }

    /**
     * The owner-only client properties file of the SASL_SSL listener ({@code DATA_DIR/client.properties}:
     * security.protocol, sasl.*, ssl.truststore.*), for {@code --kafka-config}; empty when not secure.
     */
    public Optional<Path> clientProperties() {
        if (dataDir == null) {
            throw new IllegalStateException("broker was not started");
        }
        return Optional.ofNullable(security).map(BrokerSecurity::clientPropertiesFile);
    }

    /** The content of {@link #clientProperties()}, or an empty map when not secure. */
    public Map<String, String> clientConfig() {
        return security == null ? Map.of() : security.clientProperties();
    }

    /** The directory holding the log and metadata directories. */
    public Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException("broker was not started");
        }
        return dataDir;
    }

    /** Shuts down, waits for the shutdown and deletes a temporary data directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long begin = System.nanoTime();
        if (server != null) {
            stopQuietly(server);
            server = null;
            LOG.info(
                    "Embedded Kafka broker {} stopped in {} ms",
                    bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        }
        if (deleteOnClose && dataDir != null) {
            KRaftStorage.deleteRecursively(dataDir);
        }
    }

    private void prepareDataDir() {
        try {
            if (configuredDataDir != null) {
                dataDir = Files.createDirectories(configuredDataDir);
                deleteOnClose = false;
            } else {
                Path parent = tempDirParent == null ? null : Files.createDirectories(tempDirParent);
                dataDir = parent == null
                        ? Files.createTempDirectory("autost-kafka-")
                        : Files.createTempDirectory(parent, "autost-kafka-");
                deleteOnClose = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create broker data directory", e);
        }
    }

    /**
     * Secure when asked or when an earlier run in the configured data dir was; a data dir
     * formatted without security cannot become secure: KRaft takes SCRAM users only at format time.
     */
    private void prepareSecurity() {
        boolean wasSecure = configuredDataDir != null && BrokerSecurity.presentIn(dataDir);
        if (!secureRequested && !wasSecure) {
            return;
        }
        if (!wasSecure && Files.isRegularFile(dataDir.resolve("logs").resolve("meta.properties"))) {
            throw new IllegalStateException("Embedded Kafka broker did not start: " + dataDir
                    + " holds a broker formatted without security, and KRaft registers SCRAM users only when it"
                    + " formats: use a new data folder for a secure broker");
        }
        if (wasSecure && !secureRequested) {
            LOG.info("{} holds a secure broker: starting it secure", dataDir);
        }
        // The topics and the metadata log (which holds the users' salted SCRAM credentials) are
        // the owner's alone too.
        OwnerOnlyFiles.directory(dataDir);
        security = BrokerSecurity.loadOrCreate(dataDir);
    }

    private void awaitReady(long deadline) {
        Map<String, Object> config = new HashMap<>(clientConfig());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        Throwable lastError = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                int callMs = (int) Math.min(2_000, remainingMs);
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(callMs))
                            .nodes()
                            .get(callMs, TimeUnit.MILLISECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    lastError = e.getCause();
                } catch (TimeoutException e) {
                    lastError = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the broker", e);
                }
            }
        }
        throw new IllegalStateException(
                "Embedded Kafka broker at " + bootstrapServers + " did not answer describeCluster within "
                        + startTimeout,
                lastError);
    }

    private static void stopQuietly(KafkaRaftServer raftServer) {
        try {
            raftServer.shutdown();
            raftServer.awaitShutdown();
        } catch (Exception e) {
            LOG.warn("Error while shutting down embedded Kafka broker", e);
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    /** Optional settings; every one has a default. */
    public static final class Builder {

        private Path dataDir;
        private Path tempDirParent;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private boolean secure;

        private Builder() {}

        /**
         * A SASL_SSL listener with SCRAM-SHA-512 instead of PLAINTEXT: certificates, users and
         * {@code client.properties} are made in the data dir at the first start and reused after.
         */
        public Builder optSecure() {
            this.secure = true;
            return this;
        }

        /** Keep the data in {@code dir} (created if missing, kept on close, reused on restart). */
        public Builder optDataDir(Path dir) {
            if (tempDirParent != null) {
                throw new IllegalStateException("tempDirParent was already set to " + tempDirParent);
            }
            this.dataDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Create the temporary data directory under {@code parent} (e.g. {@code target/}) instead of
         * the system temp dir, so data left by a killed JVM is cleaned with the build.
         */
        public Builder optTempDirParent(Path parent) {
            if (dataDir != null) {
                throw new IllegalStateException("dataDir was already set to " + dataDir);
            }
            this.tempDirParent = Objects.requireNonNull(parent, "parent");
            return this;
        }

        /** Overrides or adds one broker property (applied after the defaults). */
        public Builder optProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long {@link #start()} may take; 60 s by default (cold starts take 3.5-8 s). */
        public Builder optStartTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive but was " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
