package dev.autost.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autost.cli.service.ServiceCommand;
import dev.autost.messaging.Topics;
import dev.autost.observability.Endpoints;
import dev.autost.observability.Observability;
import dev.autost.observability.ObservabilityConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The dashboard, the scrape configs and the compose file against the code. */
class DashboardAndComposeTest {

    private static final Path DEPLOY = Manifests.deployDir();
    /** A metric name inside a PromQL expression: followed by a selector, a range or a ')'. */
    private static final Pattern METRIC = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\s*(?=\\{|\\[|\\))");

    private static final Set<String> PROMQL_WORDS = Set.of(
            "rate",
            "sum",
            "max",
            "by",
            "min",
            "avg",
            "count",
            "increase",
            "irate",
            "histogram_quantile",
            "without",
            "vector");

    @Test
    void dashboard_usesOnlyExposedOrPlannedMetrics() throws Exception {
        Set<String> exposed = exposedMetricNames();
        Set<String> planned = plannedMetricNames();
        for (String p : planned) {
            assertFalse(exposed.contains(p), p + " is exposed now: delete it from planned-metrics.txt");
        }
        Set<String> used = dashboardMetricNames();
        assertFalse(used.isEmpty());
        for (String name : used) {
            assertTrue(
                    exposed.contains(name) || planned.contains(name) || name.equals("up"),
                    name + " is neither exposed by the observability registry nor listed as planned");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void alertRules_useOnlyExposedMetrics_andThePrometheusRuleCarriesTheSameGroups() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/alert-rules.yml")));
        Map<String, Object> crd = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/prometheus-rule.yaml")));
        assertEquals("PrometheusRule", crd.get("kind"));
        assertEquals(
                rules.get("groups"),
                ((Map<String, Object>) crd.get("spec")).get("groups"),
                "prometheus-rule.yaml and alert-rules.yml differ");
        Set<String> exposed = exposedMetricNames();
        Set<String> planned = plannedMetricNames();
        int alerts = 0;
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                alerts++;
                Matcher m = METRIC.matcher(String.valueOf(rule.get("expr")).replaceAll("by \\([^)]*\\)", ""));
                while (m.find()) {
                    String name = m.group(1);
                    assertTrue(
                            PROMQL_WORDS.contains(name)
                                    || exposed.contains(name)
                                    || planned.contains(name)
                                    || name.equals("up"),
                            rule.get("alert") + ": " + name + " is not exposed by the observability registry");
                }
            }
        }
        assertEquals(6, alerts, "down, not ready, lag, dead letters, trainings failing, no progress");
    }

    /** Prometheus's own checker over the rules file; needs promtool (Debian's prometheus package). */
    @Test
    void alertRules_passPromtool() throws Exception {
        boolean found = Files.isExecutable(Path.of("/usr/bin/promtool"));
        if (!found && Boolean.getBoolean("autost.containers.required")) {
            fail("promtool is missing: apt-get install prometheus");
        }
        Assumptions.assumeTrue(found, "promtool is missing (apt-get install prometheus)");
        Process p = new ProcessBuilder(
                        "/usr/bin/promtool",
                        "check",
                        "rules",
                        DEPLOY.resolve("prometheus/alert-rules.yml").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("SUCCESS: 6 rules found"), out);
    }

    @Test
    void dashboard_ratesOnlyCounters() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(DEPLOY.resolve("grafana/autost-dashboard.json").toFile());
        Pattern rate = Pattern.compile("rate\\(([a-z_][a-z0-9_]*)");
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                Matcher m = rate.matcher(t.path("expr").asText());
                while (m.find()) {
                    String name = m.group(1);
                    assertTrue(
                            name.endsWith("_total") || name.endsWith("_sum") || name.endsWith("_count"),
                            panel.path("title").asText() + ": rate() over " + name + ", not a counter");
                }
            }
        }
    }

    @Test
    void dashboard_shippedAsConfigMap() throws Exception {
        Assumptions.assumeTrue(Manifests.kubectl().isPresent(), "kubectl not on PATH: overlays not rendered");
        Manifests m = Manifests.render(Manifests.kubectl().get(), "laptop");
        JsonNode cm = m.one("ConfigMap", "autost-grafana-dashboard");
        assertEquals(
                "1",
                cm.path("metadata").path("labels").path("grafana_dashboard").asText());
        assertEquals(
                Files.readString(DEPLOY.resolve("grafana/autost-dashboard.json")),
                cm.path("data").path("autost-dashboard.json").asText());
    }

    @Test
    @SuppressWarnings("unchecked")
    void compose_everyServiceWithRealCliOptions_onLoopback_andScraped() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose/compose.yaml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertTrue(String.valueOf(services.get("kafka").get("image")).contains("autost-kafka:"));
        CommandSpec cli = new CommandLine(new ServiceCommand()).getCommandSpec();
        Set<String> names = new HashSet<>();
        Map<String, String> ports = new java.util.TreeMap<>();
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            // Host networking keeps every byte on 127.0.0.1 (the bridge's DNS fails under podman here).
            assertEquals("host", e.getValue().get("network_mode"), e.getKey());
            Object command = e.getValue().get("command");
            if (!(command instanceof List<?> args) || !"service".equals(args.get(0))) {
                continue;
            }
            names.add(String.valueOf(args.get(1)));
            for (int i = 2; i < args.size(); i++) {
                String a = String.valueOf(args.get(i));
                if (a.startsWith("--")) {
                    if (cli.findOption(a) == null) {
                        fail(e.getKey() + ": `autost service` has no option " + a);
                    }
                    if (a.equals("--http-port")) {
                        // ${AUTOST_X_PORT:-8081}: the default is what the scrape config names.
                        String port = String.valueOf(args.get(i + 1)).replaceAll("\\$\\{[A-Z0-9_]+:-(\\d+)}", "$1");
                        assertTrue(port.matches("\\d+"), e.getKey() + ": --http-port " + args.get(i + 1));
                        String clash = ports.put(port, e.getKey());
                        assertEquals(null, clash, e.getKey() + " and " + clash + " share port " + port);
                    }
                    if (a.equals("--partitions")) {
                        assertEquals(String.valueOf(Topics.DEFAULT_PARTITIONS), String.valueOf(args.get(i + 1)));
                    }
                }
            }
            assertTrue(args.contains("--bootstrap-servers"), e.getKey());
            assertFalse(e.getValue().containsKey("ports"), e.getKey() + ": host network publishes no ports");
        }
        assertEquals(Set.of("sampler", "scorer", "evaluator", "prober", "trainer", "api"), names);
        String scrape = Files.readString(DEPLOY.resolve("compose/prometheus.yml"));
        assertTrue(scrape.contains("metrics_path: " + Endpoints.METRICS));
        for (Map.Entry<String, String> p : ports.entrySet()) {
            assertTrue(
                    scrape.contains("127.0.0.1:" + p.getKey()),
                    p.getValue() + " on port " + p.getKey() + " is not scraped");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusConfig_keepsAnnotatedPods() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")));
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
        assertEquals(1, jobs.size());
        String relabels = String.valueOf(jobs.get(0).get("relabel_configs"));
        assertTrue(relabels.contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape"));
        assertTrue(relabels.contains("__meta_kubernetes_pod_annotation_prometheus_io_path"));
        assertTrue(relabels.contains("__meta_kubernetes_pod_annotation_prometheus_io_port"));
    }

    /** Metric names of a live registry's scrape: what every service exposes today. */
    private static Set<String> exposedMetricNames() throws Exception {
        try (Observability o = Observability.start(new ObservabilityConfig("127.0.0.1", 0))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS)) {
            var client = java.net.http.HttpClient.newHttpClient();
            var uri = java.net.URI.create("http://127.0.0.1:" + o.port() + Endpoints.HEALTH);
            client.send(
                    java.net.http.HttpRequest.newBuilder(uri).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            // The AutoST meters, as the services register them (one example label each).
            dev.autost.observability.AutostMeters.describeAll(o.registry());
            Set<String> names = new HashSet<>();
            for (String line : o.prometheusRegistry().scrape().split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]")[0]);
                }
            }
            return names;
        }
    }

    /** The first column of grafana/planned-metrics.txt: metrics only live services expose. */
    private static Set<String> plannedMetricNames() throws Exception {
        return Files.readAllLines(DEPLOY.resolve("grafana/planned-metrics.txt")).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("\\s+")[0])
                .collect(Collectors.toSet());
    }

    private static Set<String> dashboardMetricNames() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(DEPLOY.resolve("grafana/autost-dashboard.json").toFile());
        Set<String> names = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                String expr = t.path("expr").asText().replaceAll("\\[\\$__rate_interval]", "[5m]");
                Matcher m = METRIC.matcher(expr.replaceAll("by \\([^)]*\\)", ""));
                while (m.find()) {
                    if (!PROMQL_WORDS.contains(m.group(1))) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }
}
