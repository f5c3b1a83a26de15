package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service whose loop dies must end its process, so that its supervisor restarts it; before,
 * the process stayed up with a dead service and green probes. The death here is real: two
 * scorers with the same static group member id (AUTOST_KAFKA_GROUP_INSTANCE_ID), so the broker
 * fences the first one and its poll throws.
 */
class FailedServiceProcessIT {
    @TempDir
    Path dir;

    @Test
    void scorerFencedOutOfItsGroup_processExitsWithStatus70AndSaysWhy() throws Exception {
        Map<String, String> sameMember = Map.of("AUTOST_KAFKA_GROUP_INSTANCE_ID", "scorer-twin");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                LocalServices topics = LocalServices.connect(broker.bootstrapServers(), 3, (short) 1);
                ServiceProcesses first = ServiceProcesses.start(
                        1, "scorer", broker.bootstrapServers(), List.of(), dir.resolve("first"), sameMember)) {
            Path firstLog = dir.resolve("first").resolve("scorer-2.log");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.readString(firstLog).contains("consuming") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(3000); // joined its group
            try (ServiceProcesses twin = ServiceProcesses.start(
                    1, "scorer", broker.bootstrapServers(), List.of(), dir.resolve("twin"), sameMember)) {
                List<Integer> codes = first.awaitExit(Duration.ofSeconds(90));
                String log = Files.readString(firstLog);
                assertEquals(List.of(70), codes, log);
                assertTrue(log.contains("autost: a service stopped on an unexpected error, exiting"), log);
            }
        }
    }
}
