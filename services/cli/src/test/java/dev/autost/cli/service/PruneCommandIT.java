package dev.autost.cli.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.cli.CliRun;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicReader;
import dev.autost.messaging.Topics;
import dev.autost.proto.v1.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autost prune} on a real broker after a real search: the dry run deletes nothing, the run
 * leaves only tombstones for the finished experiment's scores and keeps its final report, and a
 * second run finds nothing left.
 */
class PruneCommandIT {
    private static final Pattern SUMMARY =
            Pattern.compile("autost prune: (\\d+) finished experiment\\(s\\) .*: (\\d+) scores");

    @Test
    void finishedSearch_dryRunThenPrune_scoresBecomeTombstonesAndTheSummaryStays(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            CliRun search = CliRun.run(
                    null,
                    "search",
                    "--space",
                    "fashion-micro",
                    "--seed",
                    "7",
                    "--population",
                    "20",
                    "--generations",
                    "1",
                    "--experiment-id",
                    "old-run",
                    "--no-progress",
                    "--no-http",
                    "--bootstrap-servers",
                    bootstrap,
                    "--out",
                    dir.toString());
            assertEquals(0, search.exitCode(), search.err());
            Map<String, Optional<byte[]>> before = lastPerKey(bootstrap, Topics.SCORES);
            long stored = before.values().stream().filter(Optional::isPresent).count();
            assertTrue(stored >= 20, "scores stored: " + stored);

            CliRun dry = CliRun.run(
                    null, "prune", "--bootstrap-servers", bootstrap, "--finished-before", "PT0S", "--dry-run");
            assertEquals(0, dry.exitCode(), dry.err());
            assertEquals(List.of(1L, stored), counts(dry.out()), dry.out());
            assertTrue(dry.out().contains("old-run"), dry.out());
            assertEquals(
                    stored,
                    lastPerKey(bootstrap, Topics.SCORES).values().stream()
                            .filter(Optional::isPresent)
                            .count());

            CliRun young = CliRun.run(null, "prune", "--bootstrap-servers", bootstrap, "--finished-before", "P1D");
            assertEquals(List.of(0L, 0L), counts(young.out()), "finished less than a day ago: kept");

            CliRun prune = CliRun.run(null, "prune", "--bootstrap-servers", bootstrap, "--finished-before", "PT0S");
            assertEquals(0, prune.exitCode(), prune.err());
            assertEquals(List.of(1L, stored), counts(prune.out()), prune.out());
            Map<String, Optional<byte[]>> after = lastPerKey(bootstrap, Topics.SCORES);
            assertEquals(before.keySet(), after.keySet());
            assertTrue(after.values().stream().allMatch(Optional::isEmpty), "every score key ends in a tombstone");
            byte[] summary = lastPerKey(bootstrap, Topics.REPORTS)
                    .get(Topics.evaluationKey("old-run"))
                    .orElseThrow();
            assertEquals(Report.Phase.FINISHED, Report.parseFrom(summary).getPhase());
            assertTrue(Report.parseFrom(summary).getTopCount() > 0, "the summary lists candidates");

            CliRun again = CliRun.run(null, "prune", "--bootstrap-servers", bootstrap, "--finished-before", "PT0S");
            assertEquals(List.of(1L, 0L), counts(again.out()), "nothing left to delete");
        }
    }

    @Test
    void prune_withoutACluster_refusedNamingTheOptions() {
        CliRun r = CliRun.run(null, "prune", "--finished-before", "P7D");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("give exactly one of --bootstrap-servers and --kafka-data"), r.err());
    }

    private static List<Long> counts(String out) {
        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), out);
        return List.of(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** The last record per key of a topic (empty for a tombstone). */
    private static Map<String, Optional<byte[]>> lastPerKey(String bootstrap, String topic) throws Exception {
        Map<String, Optional<byte[]>> last = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.replayingConsumer(bootstrap, "prune-it")) {
            TopicReader.fromStart(c, List.of(topic), Duration.ofSeconds(30))
                    .readToEnd(
                            records -> records.forEach(r -> last.put(
                                    new String(r.key(), StandardCharsets.UTF_8), Optional.ofNullable(r.value()))),
                            () -> true);
        }
        return last;
    }
}
