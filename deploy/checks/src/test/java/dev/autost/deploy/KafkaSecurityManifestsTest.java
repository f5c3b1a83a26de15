package dev.autost.deploy;

import static dev.autost.messaging.Topics.CANDIDATES;
import static dev.autost.messaging.Topics.DEAD_LETTERS;
import static dev.autost.messaging.Topics.EXPERIMENTS;
import static dev.autost.messaging.Topics.REPORTS;
import static dev.autost.messaging.Topics.SCORES;
import static dev.autost.messaging.Topics.TRAIN_PROGRESS;
import static dev.autost.messaging.Topics.TRAIN_REQUESTS;
import static dev.autost.messaging.Topics.TRAIN_RESULTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.messaging.KafkaClientProperties;
import dev.autost.messaging.TopicSpec;
import dev.autost.messaging.Topics;
import dev.autost.scorer.ScorerConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kafka security of the manifests against the code: a TLS listener with SCRAM-SHA-512 and
 * simple authorization only; a KafkaUser per service whose ACLs are exactly what that service
 * reads and writes (topics from {@link Topics}, groups from the services' configs); every
 * service pod reaching Kafka as its own user through {@code AUTOST_KAFKA_*} client properties
 * that Kafka knows; KEDA's lag queries authenticated the same way.
 */
class KafkaSecurityManifestsTest {
    private static final String CLUSTER_CA_SECRET = "autost-cluster-ca-cert";

    /**
     * What each service's code reads and writes (the verticles' input lists and the handlers'
     * outputs; every service may dead-letter) and the consumer group it commits in, if any.
     */
    static final Map<String, Access> SERVICES = Map.of(
            "autost-sampler",
            new Access(
                    Set.of(EXPERIMENTS, SCORES, REPORTS, TRAIN_REQUESTS, TRAIN_RESULTS),
                    Set.of(CANDIDATES, TRAIN_REQUESTS, REPORTS, DEAD_LETTERS),
                    Set.of()),
            "autost-scorer",
            new Access(
                    Set.of(EXPERIMENTS, CANDIDATES),
                    Set.of(SCORES, DEAD_LETTERS),
                    Set.of(ScorerConfig.DEFAULT_GROUP_ID)),
            "autost-evaluator",
            new Access(Set.of(EXPERIMENTS, SCORES, REPORTS, TRAIN_RESULTS), Set.of(REPORTS, DEAD_LETTERS), Set.of()),
            "autost-trainer",
            new Access(
                    Set.of(TRAIN_REQUESTS, TRAIN_RESULTS),
                    Set.of(TRAIN_PROGRESS, TRAIN_RESULTS, DEAD_LETTERS),
                    Set.of(DeployManifestsTest.TRAINER_GROUP)),
            "autost-prober",
            new Access(
                    Set.of(EXPERIMENTS, SCORES),
                    Set.of(SCORES, DEAD_LETTERS),
                    Set.of(dev.autost.prober.ProberConfig.DEFAULT_GROUP_ID)),
            // The retention Job: which experiments finished when, their scores, tombstones for them.
            "autost-prune",
            new Access(Set.of(REPORTS, SCORES), Set.of(SCORES), Set.of()),
            // ExperimentClient (search --no-local-services) and report: submit specs, follow what a search reports.
            "autost-api",
            new Access(
                    Set.of(EXPERIMENTS, SCORES, REPORTS, TRAIN_PROGRESS, TRAIN_RESULTS),
                    Set.of(EXPERIMENTS),
                    Set.of()));

    /** Topics a service reads and writes, and the consumer groups it commits in. */
    record Access(Set<String> reads, Set<String> writes, Set<String> groups) {
        /** The ACL entries this access needs, as {@code type name pattern Operation}. */
        Set<String> acls() {
            Set<String> out = new TreeSet<>();
            // Start-up checks that every topic exists and answers (TopicAdmin.ensureTopics).
            out.add("topic " + TOPIC_PREFIX + " prefix Describe");
            reads.forEach(t -> out.add("topic " + t + " literal Read"));
            writes.forEach(t -> out.add("topic " + t + " literal Write"));
            groups.forEach(g -> out.add("group " + g + " literal Read"));
            return out;
        }
    }

    private static final String TOPIC_PREFIX = "autost.";

    static Stream<Arguments> manifests() {
        return SecretDefaultsTest.manifests();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void kafka_onlyATlsScramListenerWithSimpleAuthorization(String source, Manifests m) {
        JsonNode kafka = m.one("Kafka", "autost").path("spec");
        JsonNode listeners = kafka.path("kafka").path("listeners");
        assertFalse(listeners.isEmpty(), source);
        Set<Integer> ports = new HashSet<>();
        for (JsonNode l : listeners) {
            String where = source + ": listener " + l.path("name").asText();
            assertTrue(l.path("tls").asBoolean(), where + " must use TLS");
            assertEquals("scram-sha-512", l.path("authentication").path("type").asText(), where);
            ports.add(l.path("port").asInt());
        }
        assertEquals(
                "simple", kafka.path("kafka").path("authorization").path("type").asText(), source);
        assertTrue(kafka.path("entityOperator").has("userOperator"), source + ": KafkaUsers need the user operator");
        String bootstrap =
                DeployManifestsTest.config(m).path("KAFKA_BOOTSTRAP_SERVERS").asText();
        assertTrue(
                bootstrap.startsWith("autost-kafka-bootstrap:")
                        && ports.contains(Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1))),
                source + ": KAFKA_BOOTSTRAP_SERVERS " + bootstrap + " is a secured listener's port " + ports);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void kafkaUsers_grantEachServiceExactlyWhatItReadsAndWrites(String source, Manifests m) {
        for (TopicSpec t : Topics.defaults()) {
            assertTrue(t.name().startsWith(TOPIC_PREFIX), t.name() + " is covered by the Describe prefix");
        }
        SERVICES.forEach((user, access) -> {
            JsonNode u = m.one("KafkaUser", user);
            assertEquals(
                    "autost",
                    u.path("metadata").path("labels").path("strimzi.io/cluster").asText(),
                    user);
            assertEquals(
                    "scram-sha-512",
                    u.path("spec").path("authentication").path("type").asText(),
                    user);
            assertEquals(access.acls(), acls(u), source + ": ACLs of " + user);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void servicePods_reachKafkaAsTheirOwnUserOverTls(String source, Manifests m) {
        JsonNode config = DeployManifestsTest.config(m);
        Set<String> clientConfigs = new HashSet<>(ConsumerConfig.configNames());
        clientConfigs.addAll(ProducerConfig.configNames());
        clientConfigs.addAll(AdminClientConfig.configNames());
        for (Manifests.PodTemplate pod : m.allPodTemplates()) {
            List<String> args = DeployManifestsTest.args(pod.template());
            // `service NAME` pods run as autost-NAME; a command's Job (prune) as autost-COMMAND.
            String user = "autost-" + (args.get(0).equals("service") ? args.get(1) : args.get(0));
            String where = source + ": " + pod.owner();
            assertTrue(SERVICES.containsKey(user), where + ": no access table for " + user);
            Map<String, String> env = new HashMap<>();
            String jaasSecret = null;
            for (JsonNode e : pod.container().path("env")) {
                String name = e.path("name").asText();
                assertFalse(
                        Set.of("KAFKA_SASL_MECHANISM", "KAFKA_USERNAME", "KAFKA_PASSWORD")
                                .contains(name),
                        where + ": " + name + " is read by nothing");
                JsonNode from = e.path("valueFrom");
                if (from.has("configMapKeyRef")) {
                    env.put(
                            name,
                            config.path(from.path("configMapKeyRef").path("key").asText())
                                    .asText());
                } else if (from.has("secretKeyRef")) {
                    env.put(name, "<secret>");
                    if (name.equals("AUTOST_KAFKA_SASL_JAAS_CONFIG")) {
                        jaasSecret = from.path("secretKeyRef").path("name").asText();
                        assertEquals(
                                "sasl.jaas.config",
                                from.path("secretKeyRef").path("key").asText(),
                                where);
                    }
                } else {
                    env.put(name, e.path("value").asText());
                }
            }
            KafkaClientProperties.fromEnvironment(env)
                    .keySet()
                    .forEach(k ->
                            assertTrue(clientConfigs.contains(k), where + ": " + k + " is no Kafka client setting"));
            assertEquals("SASL_SSL", env.get("AUTOST_KAFKA_SECURITY_PROTOCOL"), where);
            assertEquals("SCRAM-SHA-512", env.get("AUTOST_KAFKA_SASL_MECHANISM"), where);
            assertEquals(user, jaasSecret, where + ": sasl.jaas.config from its own KafkaUser's Secret");
            assertEquals("PEM", env.get("AUTOST_KAFKA_SSL_TRUSTSTORE_TYPE"), where);
            assertEquals(caMountPath(pod, where) + "/ca.crt", env.get("AUTOST_KAFKA_SSL_TRUSTSTORE_LOCATION"), where);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void kedaTriggers_authenticateAsAReadOnlyUserOverTls(String source, Manifests m) {
        List<JsonNode> scaled = Stream.concat(m.kind("ScaledObject").stream(), m.kind("ScaledJob").stream())
                .toList();
        assertFalse(scaled.isEmpty(), source);
        for (JsonNode s : scaled) {
            for (JsonNode trigger : s.path("spec").path("triggers")) {
                if (!trigger.path("type").asText().equals("kafka")) {
                    continue;
                }
                String where = source + ": " + s.path("metadata").path("name").asText();
                JsonNode auth = m.one(
                        "TriggerAuthentication",
                        trigger.path("authenticationRef").path("name").asText());
                Map<String, String> params = resolve(m, auth, where);
                assertEquals("scram_sha512", params.get("sasl"), where);
                assertEquals("enable", params.get("tls"), where);
                assertEquals("<" + CLUSTER_CA_SECRET + "/ca.crt>", params.get("ca"), where);
                String user = params.get("username");
                assertEquals("<" + user + "/password>", params.get("password"), where + ": the user's own password");
                Set<String> acls = acls(m.one("KafkaUser", user));
                JsonNode md = trigger.path("metadata");
                assertTrue(acls.contains("topic " + md.path("topic").asText() + " literal Describe"), where);
                assertTrue(acls.contains("group " + md.path("consumerGroup").asText() + " literal Describe"), where);
                acls.forEach(a -> assertTrue(a.endsWith(" Describe"), where + ": KEDA only reads offsets, not " + a));
            }
        }
    }

    /**
     * A TriggerAuthentication's parameters: a value from a Secret of the manifests, or
     * {@code <secret/key>} for a Secret Strimzi makes (a KafkaUser's, or the cluster CA).
     */
    private static Map<String, String> resolve(Manifests m, JsonNode auth, String where) {
        Set<String> users = new HashSet<>();
        m.kind("KafkaUser")
                .forEach(u -> users.add(u.path("metadata").path("name").asText()));
        Map<String, String> params = new HashMap<>();
        for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
            String secret = ref.path("name").asText();
            String key = ref.path("key").asText();
            String value;
            if (users.contains(secret) || secret.equals(CLUSTER_CA_SECRET)) {
                value = "<" + secret + "/" + key + ">";
            } else {
                JsonNode data = m.one("Secret", secret).path("stringData").path(key);
                assertFalse(data.isMissingNode(), where + ": " + secret + " has no " + key);
                value = data.asText();
            }
            params.put(ref.path("parameter").asText(), value);
        }
        return params;
    }

    /** The mount path of the pod's volume holding the cluster CA secret's ca.crt. */
    private static String caMountPath(Manifests.PodTemplate pod, String where) {
        String volume = null;
        for (JsonNode v : pod.spec().path("volumes")) {
            if (v.path("secret").path("secretName").asText().equals(CLUSTER_CA_SECRET)) {
                volume = v.path("name").asText();
            }
        }
        assertTrue(volume != null, where + ": no volume from " + CLUSTER_CA_SECRET);
        for (JsonNode mount : pod.container().path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return mount.path("mountPath").asText();
            }
        }
        throw new AssertionError(where + ": volume " + volume + " is not mounted");
    }

    /** A KafkaUser's ACLs, one entry per operation, as {@code type name pattern Operation}. */
    static Set<String> acls(JsonNode user) {
        Set<String> out = new TreeSet<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            for (JsonNode op : acl.path("operations")) {
                out.add(r.path("type").asText() + " " + r.path("name").asText() + " "
                        + r.path("patternType").asText("literal") + " " + op.asText());
            }
        }
        return out;
    }
}
