package dev.autost.cli.service;

import dev.autost.cli.options.StoredTopicsOption;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.ScorePruner;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code autost prune}: the retention of finished experiments' scores (docs/operations.md). */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = {
            "Deletes the scores of experiments finished longer ago than --finished-before",
            "from the compacted scores topic (tombstones), so the topic and every service's",
            "replay stop growing with the history. A pruned experiment keeps its summary",
            "(the evaluator's final report: best and trained candidates, fronts,",
            "correlations), its spec, reports and train results: the API and the page show",
            "it as before; `autost report` then draws only the summary. Running experiments",
            "are never touched. Prints what it deletes (docs/operations.md#retention)."
        })
public final class PruneCommand implements Callable<Integer> {
    @Option(
            names = "--finished-before",
            required = true,
            paramLabel = "AGE",
            description = "Prune experiments whose final report is at least this old, e.g. P30D, PT12H, PT0S (all).")
    Duration age;

    @Option(names = "--experiment", paramLabel = "ID", description = "Only this experiment (if finished long enough).")
    String experiment;

    @Option(names = "--dry-run", description = "Print what would be deleted; delete nothing.")
    boolean dryRun;

    @Mixin
    StoredTopicsOption topics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (age.isNegative()) {
            throw new IllegalArgumentException("--finished-before must not be negative, got " + age);
        }
        var out = spec.commandLine().getOut();
        try (LocalServices kafka = topics.connect();
                KafkaConsumer<byte[], byte[]> consumer =
                        KafkaClients.replayingConsumer(kafka.bootstrapServers(), "autost-prune")) {
            Instant cutoff = Instant.now().minus(age);
            ScorePruner.Plan plan = new ScorePruner(consumer, Duration.ofSeconds(60)).plan(cutoff, experiment);
            for (ScorePruner.Pruned p : plan.experiments()) {
                out.printf("%s  finished %s  %d scores%n", p.experimentId(), p.finishedAt(), p.scores());
            }
            if (!dryRun && plan.scores() > 0) {
                try (KafkaProducer<byte[], byte[]> producer =
                        KafkaClients.producer(kafka.bootstrapServers(), "autost-prune")) {
                    ScorePruner.apply(plan, producer);
                }
            }
            out.printf(
                    "autost prune: %d finished experiment(s) older than %s: %d scores %s%n",
                    plan.experiments().size(),
                    age,
                    plan.scores(),
                    dryRun ? "would be deleted (dry run)" : "deleted (their summaries, reports and results stay)");
        }
        return 0;
    }
}
