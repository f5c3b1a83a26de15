package dev.autost.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.cli.Main;
import dev.autost.messaging.ClusterCheck;
import dev.autost.messaging.ClusterRefusedException;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.scorer.ScorerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KafkaUsers of {@code deploy/base/kafka-users.yaml} on a real broker with Kafka's own
 * authorizer (the one Strimzi's {@code authorization: simple} runs): each user and its ACLs,
 * as written, are registered on a secure embedded broker; then the sampler, scorer and
 * evaluator, each in its own process as its own user, serve a search submitted as
 * {@code autost-api}, the retention Job's user prunes it, and the trainer's and KEDA's users can
 * do their work and no more.
 */
class KafkaUserAclsIT {
    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static final Map<String, Path> USER_PROPERTIES = new HashMap<>();

    @BeforeAll
    static void brokerWithTheManifestsUsers() throws Exception {
        broker = EmbeddedKafkaBroker.builder()
                .optDataDir(dir.resolve("kafka-data"))
                .optSecure()
                .optProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                // The broker's own user, the admin user of client.properties, and the combined
                // node's PLAINTEXT controller listener (the broker talking to its controller).
                .optProperty("super.users", "User:autost-broker;User:autost;User:ANONYMOUS")
                .build()
                .start();
        KafkaClients.useConfig(broker.clientConfig());
        List<AclBinding> acls = new ArrayList<>();
        List<UserScramCredentialUpsertion> users = new ArrayList<>();
        for (JsonNode user : Manifests.rawBase().kind("KafkaUser")) {
            String name = user.path("metadata").path("name").asText();
            String password = UUID.randomUUID().toString().replace("-", "");
            users.add(new UserScramCredentialUpsertion(
                    name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
            USER_PROPERTIES.put(name, writeProperties(name, password));
            acls.addAll(bindings(name, user));
        }
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
            admin.alterUserScramCredentials(new ArrayList<>(users)).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            // The broker applies ACLs from the metadata log; wait until it shows them all.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeAcls(AclBindingFilter.ANY).values().get().size() < acls.size()) {
                assertTrue(System.nanoTime() < deadline, "ACLs not visible within 30 s");
                Thread.sleep(100);
            }
        }
        KafkaClients.useConfig(Map.of());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void plainClients() {
        KafkaClients.useConfig(Map.of());
    }

    @Test
    void search_eachServiceInItsOwnProcessAsItsOwnUser_runsEndToEnd_andThePruneJobsUserPrunesIt() throws Exception {
        List<Process> services = new ArrayList<>();
        try {
            for (String service : List.of("sampler", "scorer", "evaluator", "prober")) {
                services.add(startService(service));
            }
            Search search = search(
                    "search",
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--kafka-config",
                    awaitUser("autost-api").toString(),
                    "--no-local-services",
                    "--space",
                    "fashion-micro",
                    // A probe objective: the prober reads scores and writes them back as its own user.
                    "--objective",
                    "sahd",
                    "--population",
                    "8",
                    "--generations",
                    "2",
                    "--timeout",
                    "PT120S",
                    "--no-progress",
                    "--out",
                    dir.resolve("out").toString());
            assertEquals(0, search.exitCode(), search.err() + logs());
            assertTrue(search.out().contains("through Kafka: 24 candidates scored in 3 generations"), search.out());

            // The CronJob's command as its KafkaUser: reads reports and scores, writes tombstones.
            Search prune = search(
                    "prune",
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--kafka-config",
                    awaitUser("autost-prune").toString(),
                    "--finished-before",
                    "PT0S");
            assertEquals(0, prune.exitCode(), prune.err());
            assertTrue(
                    prune.out()
                            .matches("(?s).*autost prune: [1-9]\\d* finished experiment\\(s\\) older than PT0S:"
                                    + " [1-9]\\d* scores deleted.*"),
                    prune.out());
            for (Process p : services) {
                assertTrue(p.isAlive(), "a service stopped:" + logs());
            }
        } finally {
            for (Process p : services) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void trainerUser_takesRequestsInItsGroupAndWritesResults_butNotScores() throws Exception {
        KafkaClients.useConfigFile(awaitUser("autost-trainer"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            // Not allowed to create topics: they exist, so the start-up check passes.
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.groupConsumer(
                broker.bootstrapServers(), DeployManifestsTest.TRAINER_GROUP, "acl-trainer", Map.of())) {
            consumer.subscribe(List.of(Topics.TRAIN_REQUESTS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            assertEquals(3, consumer.assignment().size(), "joined group " + DeployManifestsTest.TRAINER_GROUP);
            consumer.commitSync();
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrapServers(), "acl-trainer")) {
            for (String topic : List.of(Topics.TRAIN_PROGRESS, Topics.TRAIN_RESULTS, Topics.DEAD_LETTERS)) {
                producer.send(record(topic)).get(30, TimeUnit.SECONDS);
            }
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> producer.send(record(Topics.SCORES)).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        }
    }

    @Test
    void kedaUser_readsLagButNoRecords() throws Exception {
        KafkaClients.useConfigFile(awaitUser("autost-keda"));
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            for (String group : List.of(
                    ScorerConfig.DEFAULT_GROUP_ID,
                    DeployManifestsTest.TRAINER_GROUP,
                    dev.autost.prober.ProberConfig.DEFAULT_GROUP_ID)) {
                admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
            }
            for (String topic : List.of(Topics.CANDIDATES, Topics.TRAIN_REQUESTS, Topics.SCORES)) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < Topics.DEFAULT_PARTITIONS; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                assertEquals(
                        Topics.DEFAULT_PARTITIONS,
                        admin.listOffsets(latest)
                                .all()
                                .get(30, TimeUnit.SECONDS)
                                .size());
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.replayingConsumer(broker.bootstrapServers(), "acl-keda")) {
            consumer.assign(List.of(new TopicPartition(Topics.CANDIDATES, 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThrows(TopicAuthorizationException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            });
        }
    }

    /** A service of the image as the deployment runs it, as its KafkaUser; returns once it serves. */
    private static Process startService(String service) throws Exception {
        Path properties = awaitUser("autost-" + service);
        Path log = dir.resolve(service + ".log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx384m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.autost.cli.Main",
                        "service",
                        service,
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--kafka-config",
                        properties.toString(),
                        "--http-port",
                        "0")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (out.contains("running against")) {
                return p;
            }
            if (!p.isAlive()) {
                throw new AssertionError(service + " exited with " + p.exitValue() + ":\n" + out);
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new AssertionError(service + " did not start in 120 s:\n" + Files.readString(log));
    }

    /**
     * The user's client properties once the broker accepts its password: a new SCRAM credential
     * reaches the broker through the metadata log, shortly after the admin call returns.
     */
    private static Path awaitUser(String user) throws Exception {
        Path properties = USER_PROPERTIES.get(user);
        Map<String, String> previous = KafkaClients.config();
        KafkaClients.useConfigFile(properties);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                    ClusterCheck.awaitCluster(admin, broker.bootstrapServers(), Duration.ofSeconds(10));
                    return properties;
                } catch (ClusterRefusedException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        } finally {
            KafkaClients.useConfig(previous);
        }
    }

    /** The broker's client properties with the user's credentials instead of the admin's. */
    private static Path writeProperties(String user, String password) throws IOException {
        Properties p = new Properties();
        p.putAll(broker.clientConfig());
        p.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
        Path file = dir.resolve(user + ".properties");
        try (var out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        return file;
    }

    /** A KafkaUser's ACLs as Kafka bindings, as Strimzi's user operator makes them. */
    private static List<AclBinding> bindings(String user, JsonNode kafkaUser) {
        List<AclBinding> out = new ArrayList<>();
        for (JsonNode acl : kafkaUser.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            ResourcePattern pattern = new ResourcePattern(
                    ResourceType.valueOf(r.path("type").asText().toUpperCase(Locale.ROOT)),
                    r.path("name").asText(),
                    r.path("patternType").asText("literal").equals("prefix")
                            ? PatternType.PREFIXED
                            : PatternType.LITERAL);
            for (JsonNode op : acl.path("operations")) {
                out.add(new AclBinding(
                        pattern,
                        new AccessControlEntry(
                                "User:" + user,
                                acl.path("host").asText("*"),
                                AclOperation.valueOf(op.asText().toUpperCase(Locale.ROOT)),
                                AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    /** What {@code autost ARGS} run in this JVM printed. */
    record Search(int exitCode, String out, String err) {}

    private static Search search(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute(args);
        return new Search(code, out.toString(), err.toString());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic) {
        return new ProducerRecord<>(topic, "acl-it".getBytes(StandardCharsets.UTF_8), new byte[] {1});
    }

    private static String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String s : List.of("sampler", "scorer", "evaluator")) {
            Path log = dir.resolve(s + ".log");
            if (Files.exists(log)) {
                b.append("\n--- ").append(s).append(":\n").append(Files.readString(log));
            }
        }
        return b.toString();
    }
}
