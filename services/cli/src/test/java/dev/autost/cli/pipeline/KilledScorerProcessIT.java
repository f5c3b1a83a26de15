package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.proto.v1.ExperimentSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two scorers as their own processes ({@code autost service scorer}), one killed with SIGKILL
 * mid-search: the other takes its partitions once the dead member's group session times out,
 * and the search ends with the in-process ranking, no candidate lost or counted twice. The
 * pause in scoring after the kill is logged for docs/reliability.md (timing: not asserted).
 */
class KilledScorerProcessIT {
    private static final Logger LOG = LoggerFactory.getLogger(KilledScorerProcessIT.class);

    @TempDir
    Path dir;

    @Test
    void scorerKilledMidSearch_otherTakesOver_rankingUnchanged() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                LocalServices s = LocalServices.connect(broker.bootstrapServers(), 3, (short) 1)
                        .start(LocalServices.Service.SAMPLER, LocalServices.Service.EVALUATOR);
                ServiceProcesses doomed = ServiceProcesses.start(
                        1, "scorer", broker.bootstrapServers(), List.of(), dir.resolve("doomed"));
                ServiceProcesses survivor = ServiceProcesses.start(
                        1, "scorer", broker.bootstrapServers(), List.of(), dir.resolve("survivor"));
                ExperimentClient client = new ExperimentClient(broker.bootstrapServers())) {
            ExperimentSpec spec = PipelineContract.spec(13, "evolution");
            AtomicBoolean killed = new AtomicBoolean();
            AtomicLong killedAt = new AtomicLong();
            AtomicLong lastScoredAt = new AtomicLong();
            AtomicLong longestPause = new AtomicLong();
            int[] last = {0};
            List<Integer> scoredAtKill = new ArrayList<>();
            client.submit(spec);
            ExperimentClient.FollowedExperiment o = client.follow(spec.getExperimentId(), Duration.ofMinutes(5), p -> {
                long now = System.nanoTime();
                if (p.scored() > last[0]) {
                    if (killed.get()) {
                        longestPause.accumulateAndGet(now - Math.max(lastScoredAt.get(), killedAt.get()), Math::max);
                    }
                    last[0] = p.scored();
                    lastScoredAt.set(now);
                }
                if (p.scored() >= 200 && killed.compareAndSet(false, true)) {
                    scoredAtKill.add(p.scored());
                    try {
                        doomed.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    killedAt.set(System.nanoTime());
                }
            });
            List<String> ranking = PipelineContract.viaKafka(o);
            LOG.info(
                    "scorer killed at {} scored; longest pause in scoring after the kill: {} ms; survivor alive: {}",
                    scoredAtKill,
                    longestPause.get() / 1_000_000,
                    survivor.alive());
            assertTrue(killed.get(), "the scorer was never killed");
            assertTrue(scoredAtKill.get(0) < 1000, "killed too late to matter: " + scoredAtKill);
            assertEquals(InProcessRanking.of(spec), ranking);
            assertEquals(ranking.size(), new HashSet<>(ranking).size(), "a candidate was counted twice");
        }
    }
}
