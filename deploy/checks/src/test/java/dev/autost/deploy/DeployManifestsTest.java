package dev.autost.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.cli.service.PruneCommand;
import dev.autost.cli.service.ServiceCommand;
import dev.autost.messaging.TopicSpec;
import dev.autost.messaging.Topics;
import dev.autost.observability.Endpoints;
import dev.autost.prober.ProberConfig;
import dev.autost.scorer.ScorerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The manifests cannot drift from the code: topics, consumer groups, CLI options, ports and
 * endpoint paths are compared with the constants the services use. Runs on the overlays
 * rendered by {@code kubectl kustomize} when kubectl is on the PATH, and always on the raw base.
 */
class DeployManifestsTest {

    /** Consumer group of the trainer: KEDA's ScaledJob watches it. */
    static final String TRAINER_GROUP = dev.autost.trainer.TrainerConfig.DEFAULT_GROUP_ID;

    /** Services the CLI does not run yet but the manifests already deploy (none since the trainer landed). */
    static final Set<String> PLANNED_SERVICES = Set.of();

    static final Optional<Path> KUBECTL = Manifests.kubectl();

    static Stream<Arguments> manifests() {
        List<Arguments> all = new ArrayList<>();
        all.add(Arguments.of("raw deploy/base", Manifests.rawBase()));
        KUBECTL.ifPresentOrElse(
                k -> {
                    all.add(Arguments.of("overlay laptop", Manifests.render(k, "laptop")));
                    all.add(Arguments.of("overlay gpu", Manifests.render(k, "gpu")));
                },
                () -> System.out.println(
                        "kubectl not on PATH: overlays not rendered, only the raw base YAML is checked"));
        return all.stream();
    }

    @Test
    void overlays_renderWithKubectl() {
        Assumptions.assumeTrue(
                KUBECTL.isPresent(), "kubectl not on PATH: overlays not rendered (the raw base is still checked)");
        for (String overlay : List.of("laptop", "gpu")) {
            Manifests m = Manifests.render(KUBECTL.get(), overlay);
            assertFalse(m.all().isEmpty(), overlay);
            m.all()
                    .forEach(d -> assertEquals(
                            "autost",
                            d.path("metadata").path("namespace").asText(),
                            overlay + ": " + d.path("kind").asText() + " "
                                    + d.path("metadata").path("name")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void kafkaTopics_matchTopicsDefaults(String source, Manifests m) {
        short replication = Short.parseShort(config(m).path("TOPIC_REPLICATION").asText());
        int partitions = Integer.parseInt(config(m).path("TOPIC_PARTITIONS").asText());
        assertEquals(Topics.DEFAULT_PARTITIONS, partitions, source + ": TOPIC_PARTITIONS");
        Map<String, TopicSpec> expected =
                Topics.defaults(partitions, replication).stream().collect(Collectors.toMap(TopicSpec::name, t -> t));
        Map<String, JsonNode> actual = new HashMap<>();
        for (JsonNode t : m.kind("KafkaTopic")) {
            String name = t.path("spec")
                    .path("topicName")
                    .asText(t.path("metadata").path("name").asText());
            assertTrue(actual.put(name, t) == null, source + ": duplicate topic " + name);
            assertEquals(
                    "autost",
                    t.path("metadata").path("labels").path("strimzi.io/cluster").asText(),
                    source + ": " + name + " belongs to the Kafka cluster autost");
        }
        assertEquals(expected.keySet(), actual.keySet(), source + ": topic names");
        expected.forEach((name, spec) -> {
            JsonNode s = actual.get(name).path("spec");
            assertEquals(spec.partitions(), s.path("partitions").asInt(), source + ": partitions of " + name);
            assertEquals(spec.replication(), s.path("replicas").asInt(), source + ": replicas of " + name);
            JsonNode config = s.path("config");
            spec.configs()
                    .forEach((key, value) ->
                            assertEquals(value, config.path(key).asText(), source + ": " + key + " of " + name));
            if (spec.compacted()) {
                assertTrue(
                        config.path("retention.ms").isMissingNode(),
                        source + ": compacted " + name + " must not set retention.ms");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void kedaTriggers_useTheCodesGroupsAndTopics(String source, Manifests m) {
        int partitions = Integer.parseInt(config(m).path("TOPIC_PARTITIONS").asText());
        String bootstrap = config(m).path("KAFKA_BOOTSTRAP_SERVERS").asText();

        JsonNode scorer = m.one("ScaledObject", "autost-scorer");
        JsonNode st = kafkaTrigger(scorer);
        assertEquals(ScorerConfig.DEFAULT_GROUP_ID, st.path("consumerGroup").asText(), source);
        assertEquals(Topics.CANDIDATES, st.path("topic").asText(), source);
        assertEquals(bootstrap, st.path("bootstrapServers").asText(), source);
        assertEquals(
                ScorerConfig.DEFAULT_MAX_POLL_RECORDS, st.path("lagThreshold").asInt(), source);
        String target = scorer.path("spec").path("scaleTargetRef").path("name").asText();
        JsonNode deployment = m.one("Deployment", target);
        assertEquals(
                List.of("service", "scorer"),
                args(deployment.path("spec").path("template")).subList(0, 2),
                source + ": the ScaledObject scales the scorer");
        assertTrue(
                deployment.path("spec").path("replicas").isMissingNode(), source + ": KEDA owns the scorer's replicas");
        assertTrue(
                scorer.path("spec").path("maxReplicaCount").asInt() <= partitions,
                source + ": more scorers than partitions sit idle");

        JsonNode prober = m.one("ScaledObject", "autost-prober");
        JsonNode pt = kafkaTrigger(prober);
        assertEquals(ProberConfig.DEFAULT_GROUP_ID, pt.path("consumerGroup").asText(), source);
        assertEquals(Topics.SCORES, pt.path("topic").asText(), source);
        assertEquals(bootstrap, pt.path("bootstrapServers").asText(), source);
        JsonNode proberDeployment = m.one(
                "Deployment",
                prober.path("spec").path("scaleTargetRef").path("name").asText());
        assertEquals(
                List.of("service", "prober"),
                args(proberDeployment.path("spec").path("template")).subList(0, 2),
                source + ": the ScaledObject scales the prober");
        assertTrue(proberDeployment.path("spec").path("replicas").isMissingNode(), source);
        assertTrue(
                prober.path("spec").path("maxReplicaCount").asInt() <= partitions,
                source + ": more probers than partitions sit idle");

        JsonNode trainer = m.one("ScaledJob", "autost-trainer");
        JsonNode tt = kafkaTrigger(trainer);
        assertEquals(TRAINER_GROUP, tt.path("consumerGroup").asText(), source);
        assertEquals(Topics.TRAIN_REQUESTS, tt.path("topic").asText(), source);
        assertEquals(bootstrap, tt.path("bootstrapServers").asText(), source);
        assertEquals(1, tt.path("lagThreshold").asInt(), source + ": one Job per waiting request");
        assertTrue(trainer.path("spec").path("maxReplicaCount").asInt() <= partitions, source);
        assertEquals(
                "Never",
                trainer.path("spec")
                        .path("jobTargetRef")
                        .path("template")
                        .path("spec")
                        .path("restartPolicy")
                        .asText(),
                source);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void containerArgs_areRealServiceCommandOptions(String source, Manifests m) {
        CommandSpec cli = new CommandLine(new ServiceCommand()).getCommandSpec();
        Set<String> services = Stream.concat(
                        Stream.of(LocalServices.Service.values())
                                .map(s -> s.name().toLowerCase(Locale.ROOT)),
                        Stream.of(ServiceCommand.API))
                .collect(Collectors.toSet());
        for (Manifests.PodTemplate pod : m.podTemplates()) {
            List<String> args = args(pod.template());
            String where = source + ": " + pod.owner() + " args " + args;
            assertEquals("service", args.get(0), where);
            Set<String> env = new HashSet<>();
            pod.container().path("env").forEach(e -> env.add(e.path("name").asText()));
            int i = 1;
            for (; i < args.size() && !args.get(i).startsWith("-"); i++) {
                assertTrue(
                        services.contains(args.get(i)) || PLANNED_SERVICES.contains(args.get(i)),
                        where + ": unknown service " + args.get(i));
            }
            assertTrue(i > 1, where + ": names no service");
            Map<String, String> options = new HashMap<>();
            for (; i < args.size(); i++) {
                OptionSpec option = cli.findOption(args.get(i));
                if (option == null) {
                    fail(where + ": `autost service` has no option " + args.get(i));
                }
                String value = option.arity().max() > 0 ? args.get(++i) : "";
                if (value.startsWith("$(")) {
                    String var = value.substring(2, value.length() - 1);
                    assertTrue(env.contains(var), where + ": $(" + var + ") is not in the container's env");
                }
                options.put(option.longestName(), value);
            }
            assertTrue(
                    options.containsKey("--bootstrap-servers"),
                    where + ": without it the service starts an embedded broker");
            assertEquals(String.valueOf(Endpoints.DEFAULT_PORT), options.get("--http-port"), where);
            JsonNode port = pod.container().path("ports").path(0);
            assertEquals(Endpoints.PORT_NAME, port.path("name").asText(), where);
            assertEquals(Endpoints.DEFAULT_PORT, port.path("containerPort").asInt(), where);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void probesAndScrapes_useObservabilityEndpoints(String source, Manifests m) {
        for (Manifests.PodTemplate pod : m.podTemplates()) {
            String where = source + ": " + pod.owner();
            JsonNode c = pod.container();
            assertEquals(
                    Endpoints.HEALTH,
                    c.path("livenessProbe").path("httpGet").path("path").asText(),
                    where);
            assertEquals(
                    Endpoints.PORT_NAME,
                    c.path("livenessProbe").path("httpGet").path("port").asText(),
                    where);
            if (pod.owner().equals("autost-trainer")) {
                assertTrue(c.path("readinessProbe").isMissingNode(), where + ": nothing routes to a Job");
            } else {
                assertEquals(
                        Endpoints.READY,
                        c.path("readinessProbe").path("httpGet").path("path").asText(),
                        where);
                assertEquals(
                        Endpoints.PORT_NAME,
                        c.path("readinessProbe").path("httpGet").path("port").asText(),
                        where);
            }
            JsonNode a = pod.template().path("metadata").path("annotations");
            assertEquals("true", a.path("prometheus.io/scrape").asText(), where);
            assertEquals(Endpoints.METRICS, a.path("prometheus.io/path").asText(), where);
            assertEquals(
                    String.valueOf(Endpoints.DEFAULT_PORT),
                    a.path("prometheus.io/port").asText(),
                    where);
        }
        for (JsonNode s : m.kind("Service")) {
            JsonNode p = s.path("spec").path("ports").path(0);
            assertEquals(Endpoints.PORT_NAME, p.path("name").asText(), source);
            assertEquals(Endpoints.PORT_NAME, p.path("targetPort").asText(), source);
        }
        for (JsonNode sm : m.kind("ServiceMonitor")) {
            sm.path("spec").path("endpoints").forEach(e -> {
                assertEquals(Endpoints.METRICS, e.path("path").asText(), source);
                assertEquals(Endpoints.PORT_NAME, e.path("port").asText(), source);
            });
        }
        for (JsonNode pm : m.kind("PodMonitor")) {
            pm.path("spec").path("podMetricsEndpoints").forEach(e -> {
                assertEquals(Endpoints.METRICS, e.path("path").asText(), source);
                assertEquals(Endpoints.PORT_NAME, e.path("port").asText(), source);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void pods_runAsNonRootWithConfigAndSecretRefsThatExist(String source, Manifests m) {
        Set<String> configKeys = fieldNames(config(m));
        JsonNode secret = m.one("Secret", "autost-secrets");
        Set<String> secretKeys = new HashSet<>(fieldNames(secret.path("stringData")));
        secretKeys.addAll(fieldNames(secret.path("data")));
        assertTrue(secretKeys.contains("api-token"), source + ": API token");
        Set<String> kafkaUsers = m.kind("KafkaUser").stream()
                .map(u -> u.path("metadata").path("name").asText())
                .collect(Collectors.toSet());
        for (Manifests.PodTemplate pod : m.allPodTemplates()) {
            String where = source + ": " + pod.owner();
            assertTrue(pod.spec().path("securityContext").path("runAsNonRoot").asBoolean(), where);
            assertTrue(pod.spec().path("securityContext").path("runAsUser").asInt() > 0, where);
            JsonNode sc = pod.container().path("securityContext");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), where);
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), where);
            pod.container().path("env").forEach(e -> {
                JsonNode from = e.path("valueFrom");
                if (from.has("configMapKeyRef")) {
                    assertEquals(
                            "autost-config",
                            from.path("configMapKeyRef").path("name").asText(),
                            where);
                    assertTrue(
                            configKeys.contains(
                                    from.path("configMapKeyRef").path("key").asText()),
                            where + " " + e);
                }
                if (from.has("secretKeyRef")) {
                    String name = from.path("secretKeyRef").path("name").asText();
                    String key = from.path("secretKeyRef").path("key").asText();
                    if (kafkaUsers.contains(name)) {
                        // The Secret Strimzi's user operator makes for that KafkaUser.
                        assertTrue(Set.of("password", "sasl.jaas.config").contains(key), where + " " + e);
                    } else {
                        assertEquals("autost-secrets", name, where);
                        assertTrue(secretKeys.contains(key), where + " " + e);
                    }
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void singleWriters_oneReplicaRecreated(String source, Manifests m) {
        for (String name : List.of("autost-sampler", "autost-evaluator")) {
            JsonNode spec = m.one("Deployment", name).path("spec");
            assertEquals(1, spec.path("replicas").asInt(), source + ": " + name);
            assertEquals("Recreate", spec.path("strategy").path("type").asText(), source + ": " + name);
        }
    }

    @Test
    void gpuOverlay_trainerRequestsGpuWithCudaFlavour_laptopDoesNot() {
        Assumptions.assumeTrue(KUBECTL.isPresent(), "kubectl not on PATH: overlays not rendered");
        JsonNode gpu = trainerContainer(Manifests.render(KUBECTL.get(), "gpu"));
        assertEquals(
                1, gpu.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertTrue(env(gpu, "PYTORCH_FLAVOR").startsWith("cu"), gpu.path("env").toString());
        assertTrue(gpu.path("image").asText().startsWith("autost-trainer-cuda:"));
        JsonNode laptop = trainerContainer(Manifests.render(KUBECTL.get(), "laptop"));
        assertTrue(
                laptop.path("resources").path("limits").path("nvidia.com/gpu").isMissingNode());
        assertEquals("cpu", env(laptop, "PYTORCH_FLAVOR"));
    }

    private static JsonNode trainerContainer(Manifests m) {
        return m.one("ScaledJob", "autost-trainer")
                .path("spec")
                .path("jobTargetRef")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0);
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e.path("value").asText();
            }
        }
        throw new AssertionError("no env " + name + " in " + container.path("env"));
    }

    static JsonNode config(Manifests m) {
        return m.one("ConfigMap", "autost-config").path("data");
    }

    private static JsonNode kafkaTrigger(JsonNode scaled) {
        JsonNode triggers = scaled.path("spec").path("triggers");
        assertEquals(1, triggers.size(), scaled.path("metadata").toString());
        assertEquals("kafka", triggers.path(0).path("type").asText());
        return triggers.path(0).path("metadata");
    }

    static List<String> args(JsonNode podTemplate) {
        List<String> args = new ArrayList<>();
        podTemplate.path("spec").path("containers").path(0).path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void apiDeployment_servesOnEveryInterfaceWithTheTokenFromTheSecret(String source, Manifests m) {
        JsonNode api = m.one("Deployment", "autost-api");
        JsonNode template = api.path("spec").path("template");
        List<String> args = args(template);
        assertEquals(List.of("service", ServiceCommand.API), args.subList(0, 2), source);
        assertEquals("0.0.0.0", args.get(args.indexOf("--bind") + 1), source + ": the Service reaches it from outside");
        JsonNode token = null;
        for (JsonNode e : template.path("spec").path("containers").path(0).path("env")) {
            if (e.path("name").asText().equals(dev.autost.cli.options.ApiTokenOptions.TOKEN_ENV)) {
                token = e.path("valueFrom").path("secretKeyRef");
            }
        }
        assertTrue(token != null, source + ": the API's token comes from a Secret");
        assertEquals("autost-secrets", token.path("name").asText(), source);
        assertEquals("api-token", token.path("key").asText(), source);
        JsonNode service = m.one("Service", "autost-api");
        assertEquals(
                "autost-api",
                service.path("spec")
                        .path("selector")
                        .path("app.kubernetes.io/name")
                        .asText(),
                source);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void networkPolicies_letOnlyTheServicesReachKafkaAndOnlyTheIngressReachTheApi(String source, Manifests m) {
        JsonNode listener = m.one("Kafka", "autost")
                .path("spec")
                .path("kafka")
                .path("listeners")
                .path(0);
        List<String> peers = new ArrayList<>();
        listener.path("networkPolicyPeers").forEach(p -> peers.add(p.toString()));
        assertTrue(
                peers.stream().anyMatch(p -> p.contains("\"app.kubernetes.io/part-of\":\"autost\"")),
                source + ": Kafka's listener admits AutoST's pods, " + peers);
        assertEquals(2, peers.size(), source + ": and KEDA, nobody else: " + peers);

        JsonNode api = m.one("NetworkPolicy", "autost-api").path("spec");
        assertEquals(
                "autost-api",
                api.path("podSelector")
                        .path("matchLabels")
                        .path("app.kubernetes.io/name")
                        .asText());
        for (JsonNode rule : api.path("ingress")) {
            assertFalse(rule.path("from").isEmpty(), source + ": an ingress rule without `from` admits everyone");
            rule.path("from")
                    .forEach(f -> assertTrue(
                            f.has("namespaceSelector") && !f.has("ipBlock"),
                            source + ": the API admits namespaces only"));
            assertEquals(
                    Endpoints.PORT_NAME, rule.path("ports").path(0).path("port").asText(), source);
        }
        Set<String> fenced = new HashSet<>();
        m.one("NetworkPolicy", "autost-services")
                .path("spec")
                .path("podSelector")
                .path("matchExpressions")
                .path(0)
                .path("values")
                .forEach(v -> fenced.add(v.asText()));
        for (Manifests.PodTemplate pod : m.allPodTemplates()) {
            String component = pod.template()
                    .path("metadata")
                    .path("labels")
                    .path("app.kubernetes.io/component")
                    .asText();
            assertTrue(
                    fenced.contains(component) || component.equals(ServiceCommand.API),
                    source + ": " + pod.owner() + " is under no NetworkPolicy");
        }
    }

    /**
     * Every pod may connect only where an egress policy lets it: the brokers, the cluster DNS, and
     * (trainer, prober) HTTPS for a dataset; never the link-local range with the cloud's metadata
     * address. Before, no egress policy existed: a compromised API pod reached anything.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void networkPolicies_limitEgressToKafkaAndDns_neverTheMetadataAddress(String source, Manifests m) {
        List<JsonNode> egress = m.kind("NetworkPolicy").stream()
                .filter(p -> p.path("spec").path("policyTypes").toString().contains("Egress"))
                .toList();
        for (Manifests.PodTemplate pod : m.allPodTemplates()) {
            String component = pod.template()
                    .path("metadata")
                    .path("labels")
                    .path("app.kubernetes.io/component")
                    .asText();
            List<JsonNode> applying = egress.stream()
                    .filter(p -> p.path("spec")
                            .path("podSelector")
                            .path("matchExpressions")
                            .path(0)
                            .path("values")
                            .toString()
                            .contains("\"" + component + "\""))
                    .toList();
            assertFalse(applying.isEmpty(), source + ": " + pod.owner() + " may connect anywhere (no egress policy)");
            for (JsonNode policy : applying) {
                for (JsonNode rule : policy.path("spec").path("egress")) {
                    String where =
                            source + ": " + policy.path("metadata").path("name").asText() + " rule " + rule;
                    assertFalse(rule.path("to").isEmpty(), where + ": a rule without `to` allows every address");
                    assertFalse(rule.path("ports").isEmpty(), where + ": a rule without ports allows every port");
                    for (JsonNode to : rule.path("to")) {
                        if (to.has("ipBlock")) {
                            List<String> except = new ArrayList<>();
                            to.path("ipBlock").path("except").forEach(e -> except.add(e.asText()));
                            assertTrue(
                                    except.contains("169.254.0.0/16"),
                                    where + ": an address block that includes the metadata address 169.254.169.254");
                            assertTrue(
                                    component.equals("trainer") || component.equals("prober"),
                                    where + ": only the trainer and prober download datasets");
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void pods_haveCpuAndMemoryLimitsAndBoundedScratchSpace(String source, Manifests m) {
        for (Manifests.PodTemplate pod : m.allPodTemplates()) {
            String where = source + ": " + pod.owner();
            JsonNode limits = pod.container().path("resources").path("limits");
            assertTrue(limits.has("cpu") && limits.has("memory"), where + ": limits " + limits);
            pod.template().path("spec").path("volumes").forEach(v -> {
                if (v.has("emptyDir")) {
                    assertTrue(
                            v.path("emptyDir").has("sizeLimit"), where + ": emptyDir " + v.path("name") + " unbounded");
                }
            });
        }
    }

    /**
     * A retried or redelivered training job runs in a new pod: its checkpoints and its attempt
     * count ({@code JobAttempts}, in the checkpoint folder) must be on storage every trainer pod
     * mounts, or a killed job starts again from epoch 0 and a job that kills its pod is retried for
     * ever.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void trainer_keepsCheckpointsAndAttemptsOnStorageEveryTrainerPodShares(String source, Manifests m) {
        Manifests.PodTemplate pod = m.podTemplates().stream()
                .filter(p -> p.owner().equals("autost-trainer"))
                .findFirst()
                .orElseThrow();
        List<String> args = args(pod.template());
        String where = source + ": autost-trainer args " + args;
        int at = args.indexOf("--checkpoint-dir");
        assertTrue(at > 0, where + ": without --checkpoint-dir the folder is relative to the pod's working directory");
        Path folder = Path.of(args.get(at + 1));
        assertTrue(folder.isAbsolute(), where);
        JsonNode mount = null;
        for (JsonNode mt : pod.container().path("volumeMounts")) {
            Path p = Path.of(mt.path("mountPath").asText());
            if (folder.startsWith(p)
                    && (mount == null
                            || p.getNameCount()
                                    > Path.of(mount.path("mountPath").asText()).getNameCount())) {
                mount = mt;
            }
        }
        assertTrue(
                mount != null,
                where + ": " + folder + " is on no volume (the container's root filesystem is read-only and per pod)");
        assertFalse(mount.path("readOnly").asBoolean(false), where + ": the checkpoint volume is mounted read-only");
        String volumeName = mount.path("name").asText();
        JsonNode volume = null;
        for (JsonNode v : pod.spec().path("volumes")) {
            if (v.path("name").asText().equals(volumeName)) {
                volume = v;
            }
        }
        assertTrue(volume != null, where + ": no volume " + volumeName);
        assertTrue(
                volume.has("persistentVolumeClaim"),
                where + ": volume " + volumeName + " is not a PersistentVolumeClaim but " + fieldNames(volume)
                        + " (an emptyDir dies with its pod)");
        String claim = volume.path("persistentVolumeClaim").path("claimName").asText();
        JsonNode pvc = m.one("PersistentVolumeClaim", claim);
        List<String> modes = new ArrayList<>();
        pvc.path("spec").path("accessModes").forEach(a -> modes.add(a.asText()));
        assertTrue(
                modes.contains("ReadWriteMany"),
                source + ": PersistentVolumeClaim " + claim + " has access modes " + modes
                        + "; trainer pods on several nodes at once need ReadWriteMany");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void pruneCronJob_runsRealPruneOptionsOnceAtATime(String source, Manifests m) {
        JsonNode cron = m.one("CronJob", "autost-prune");
        assertEquals("Forbid", cron.path("spec").path("concurrencyPolicy").asText(), source + ": one prune at a time");
        Manifests.PodTemplate pod = m.cronJobPodTemplates().get(0);
        assertEquals("Never", pod.spec().path("restartPolicy").asText(), source);
        List<String> args = args(pod.template());
        String where = source + ": autost-prune args " + args;
        assertEquals("prune", args.get(0), where);
        CommandSpec cli = new CommandLine(new PruneCommand()).getCommandSpec();
        for (int i = 1; i < args.size(); i++) {
            OptionSpec option = cli.findOption(args.get(i));
            if (option == null) {
                fail(where + ": `autost prune` has no option " + args.get(i));
            }
            if (option.arity().max() > 0) {
                i++;
            }
        }
        String age = args.get(args.indexOf("--finished-before") + 1);
        assertTrue(java.time.Duration.parse(age).toDays() >= 1, where + ": finished-before " + age);
        assertTrue(args.contains("--bootstrap-servers"), where);
    }

    @Test
    void gpuOverlay_routesItsIngressToTheApi() {
        Assumptions.assumeTrue(KUBECTL.isPresent(), "kubectl not on PATH: overlays not rendered");
        Manifests gpu = Manifests.render(KUBECTL.get(), "gpu");
        JsonNode backend = gpu.one("Ingress", "autost-api")
                .path("spec")
                .path("rules")
                .path(0)
                .path("http")
                .path("paths")
                .path(0)
                .path("backend")
                .path("service");
        assertEquals("autost-api", backend.path("name").asText());
        assertEquals(Endpoints.PORT_NAME, backend.path("port").path("name").asText());
    }
}
