package dev.autost.cli.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import org.junit.jupiter.api.Test;

/**
 * Bad trainer options are refused before anything starts: the broker address here is
 * unreachable, so a command that tried to connect first would hang instead of failing.
 */
class ServiceCommandTest {
    @Test
    void trainer_concurrencyZero_isRefusedBeforeConnecting() {
        CliRun r = CliRun.line("service trainer --concurrency 0 --bootstrap-servers 127.0.0.1:1 --http-port 0");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("concurrency must be between 1 and 64, got 0"), r.err());
    }

    /** auto: one job per core, as many as keep 2 GB of the memory budget each, at least one. */
    @Test
    void concurrencyAuto_onePerCoreWithinTheMemoryBudget() {
        long gb = 1L << 30;
        assertEquals(2, dev.autost.cli.options.ConcurrencyOption.auto(2, 19 * gb));
        assertEquals(16, dev.autost.cli.options.ConcurrencyOption.auto(16, 0), "no budget");
        assertEquals(3, dev.autost.cli.options.ConcurrencyOption.auto(16, 7 * gb));
        assertEquals(1, dev.autost.cli.options.ConcurrencyOption.auto(4, gb), "always one");
    }

    @Test
    void sampler_maxRunningExperimentsZero_isRefusedBeforeConnecting() {
        CliRun r = CliRun.line(
                "service sampler --max-running-experiments 0 --bootstrap-servers 127.0.0.1:1 --http-port 0");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--max-running-experiments must be at least 1, got 0"), r.err());
    }

    @Test
    void sampler_maxCandidatesInFlightZero_isRefusedBeforeConnecting() {
        CliRun r = CliRun.line(
                "service sampler --max-candidates-in-flight 0 --bootstrap-servers 127.0.0.1:1 --http-port 0");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--max-candidates-in-flight must be at least 1, got 0"), r.err());
    }

    @Test
    void trainer_unreadableMemoryBudget_isRefusedNamingTheForms() {
        CliRun r = CliRun.line("service trainer --memory-budget lots --bootstrap-servers 127.0.0.1:1 --http-port 0");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--memory-budget 'lots' is not a size"), r.err());
    }

    @Test
    void trainer_maxRequestsWithConcurrency_isRefused() {
        CliRun r = CliRun.line(
                "service trainer --max-requests 1 --concurrency 2 --bootstrap-servers 127.0.0.1:1 --http-port 0");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("cannot be combined with concurrency 2"), r.err());
    }

    @Test
    void scorer_unreadableKafkaConfig_isRefusedNamingTheFile() {
        CliRun r = CliRun.line(
                "service scorer --kafka-config /nonexistent/client.properties --bootstrap-servers 127.0.0.1:1"
                        + " --http-port 0");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--kafka-config: cannot read Kafka client properties from"), r.err());
        assertTrue(r.err().contains("/nonexistent/client.properties"), r.err());
    }
}
