package dev.autost.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's files: its configuration ({@link #serverProperties}), the ports an earlier
 * run kept, formatting the KRaft storage with the same code path as {@code kafka-storage.sh}, and
 * deleting a temporary data folder. Stateless.
 */
final class KRaftStorage {
    private static final Logger LOG = LoggerFactory.getLogger(KRaftStorage.class);
    private static final int NODE_ID = 1;

    private KRaftStorage() {}

    /** The broker's configuration: one KRaft node on loopback, sized for small machines, then {@code overrides}. */
    static Properties serverProperties(
            Path dataDir, int brokerPort, int controllerPort, BrokerSecurity security, Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        // One node: internal topics cannot have more than one replica, one partition is plenty.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        for (String internal : new String[] {"transaction.state.log", "share.coordinator.state.topic"}) {
            for (String setting : new String[] {".replication.factor", ".min.isr", ".num.partitions"}) {
                p.put(internal + setting, "1");
            }
        }
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Consumers join at once instead of waiting 3 s for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics come from TopicAdmin.ensureTopics, which waits until they are usable; an
        // auto-created topic would skip that wait (record loss right after creation).
        p.put("auto.create.topics.enable", "false");
        // The default 128 MiB dedupe buffer is sized for servers; 16 MiB compacts test topics fine.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        // Thread pools sized for 2-core machines rather than the server defaults (8 I/O threads).
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "2");
        if (security != null) {
            p.putAll(security.brokerProperties(brokerPort, controllerPort));
        }
        p.putAll(overrides);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /**
     * The broker and controller ports of an earlier run on the configured data dir (from the
     * {@value EmbeddedKafkaBroker#SERVER_PROPERTIES} it wrote), or null: a restarted broker keeps its address, so
     * services started with {@code --bootstrap-servers} rejoin it.
     */
    static int[] recordedPorts(Path dataDir) {
        Path file = dataDir.resolve(EmbeddedKafkaBroker.SERVER_PROPERTIES);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            stored.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(?:PLAINTEXT|SASL_SSL)://127\\.0\\.0\\.1:(\\d+),CONTROLLER://127\\.0\\.0\\.1:(\\d+)")
                .matcher(stored.getProperty("listeners", ""));
        if (!m.matches()) {
            LOG.warn("{} has no listeners this broker wrote; picking new ports", file);
            return null;
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** Same code path as {@code kafka-storage.sh format -t <id> -c <file> --ignore-formatted}. */
    static void format(Path dataDir, Properties props, BrokerSecurity security) {
        Path file = dataDir.resolve(EmbeddedKafkaBroker.SERVER_PROPERTIES);
        // Owner-only: a secure broker's configuration holds its keystore and SCRAM passwords.
        OwnerOnlyFiles.writeProperties(file, props, "AutoST embedded broker");
        List<String> args = new ArrayList<>(
                List.of("format", "-t", clusterId(dataDir), "-c", file.toString(), "--ignore-formatted"));
        if (security != null) {
            args.addAll(security.formatArguments());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(args.toArray(String[]::new), printer);
        } catch (Exception e) { // Scala code may throw undeclared checked exceptions
            throw new IllegalStateException(
                    "Formatting broker storage failed: " + e + " "
                            + output.toString(StandardCharsets.UTF_8).trim(),
                    e);
        }
        if (exit != 0) {
            throw new IllegalStateException("Formatting broker storage failed with exit code " + exit + ": "
                    + output.toString(StandardCharsets.UTF_8).trim());
        }
    }

    /**
     * A new id for fresh storage, the stored one for a data dir from an earlier run: the format
     * command rejects a different id even with {@code --ignore-formatted}.
     */
    private static String clusterId(Path dataDir) {
        Path meta = dataDir.resolve("logs").resolve("meta.properties");
        if (Files.isRegularFile(meta)) {
            Properties stored = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                stored.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + meta, e);
            }
            String id = stored.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete broker data {}: {}", root, e.toString());
        }
    }
}
