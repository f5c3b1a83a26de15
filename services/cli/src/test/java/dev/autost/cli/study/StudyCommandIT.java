package dev.autost.cli.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autost.cli.CliRun;
import dev.autost.cli.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost study} end to end on the embedded broker: a stratified sample and both arms of
 * evolution vs random are trained for real on Fashion-MNIST (cut to 128 images), by one trainer
 * in process and one child-process trainer; the report holds the proxies measured at
 * initialisation and the evaluator's correlations for every metric.
 */
class StudyCommandIT {
    @TempDir
    Path dir;

    @Test
    void study_trainsTheSampleAndBothArms_andCorrelatesEveryMetricIncludingTheProxies() throws Exception {
        Path out = dir.resolve("study");
        CliRun r = CliRun.line("study --archs 3 --compare-k 1 --population 4 --generations 1"
                + " --limit-train 128 --limit-test 128 --trainers 2 --seed 5"
                + " --checkpoint-dir " + dir.resolve("ckpt") + " --out " + out);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode study = Json.MAPPER.readTree(out.resolve("study.json").toFile());
        JsonNode sample = study.get("arms").get("sample").get("architectures");
        assertEquals(3, sample.size(), study.toString());
        Set<Long> params = new HashSet<>();
        for (JsonNode a : sample) {
            assertEquals("OK", a.get("status").asText(), a.toString());
            double acc = a.get("test_accuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, a.toString());
            JsonNode m = a.get("metrics");
            for (String proxy : new String[] {"naswot", "sahd", "energy_init_pj"}) {
                assertTrue(m.has(proxy) && m.get(proxy).isNumber(), proxy + " in " + m);
            }
            params.add(m.get("params").asLong());
        }
        assertEquals(3, params.size(), "a stratified sample spans different sizes");
        Set<String> metrics = new HashSet<>();
        study.get("correlations").forEach(c -> {
            metrics.add(c.get("metric").asText());
            assertEquals(3, c.get("n").asInt(), c.toString());
            double low = c.get("kendall_low").asDouble();
            double high = c.get("kendall_high").asDouble();
            assertTrue(
                    low <= c.get("kendall_tau_b").asDouble() + 1e-12
                            && c.get("kendall_tau_b").asDouble() <= high + 1e-12,
                    c.toString());
        });
        assertTrue(
                metrics.containsAll(
                        Set.of("flops_syops", "flops_full", "params", "energy_pj", "naswot", "sahd", "energy_init_pj")),
                metrics.toString());
        assertEquals(1, study.get("arms").get("evolution").get("architectures").size());
        assertEquals(1, study.get("arms").get("random").get("architectures").size());
        assertTrue(study.get("arms").get("evolution").get("candidates_scored").asInt() > 1);
        String md = Files.readString(out.resolve("study.md"));
        assertTrue(md.contains("| naswot |") && md.contains("Evolution vs random"), md);
        assertTrue(Files.size(out.resolve("charts").resolve("accuracy-flops_syops.png")) > 1000);
        assertEquals(1 + 5, Files.readAllLines(out.resolve("architectures.csv")).size(), "header + 3 + 1 + 1 rows");
        // --trainers 2: one trainer in this process (no child JVMs) training two jobs at once.
        study.get("arms")
                .forEach(arm -> arm.get("architectures")
                        .forEach(a -> assertTrue(a.get("worker_id").asText().matches("trainer-\\d+"), a.toString())));
        assertFalse(Files.exists(out.resolve("logs")), "no child trainer processes");
    }
}
