package dev.autost.cli.service;

import dev.autost.api.Charts;
import dev.autost.api.ExperimentStore;
import dev.autost.cli.options.StoredTopicsOption;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code autost report}: PNG charts of one experiment, read from the topics. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Writes PNG charts of one experiment to OUT: score against params with the Pareto front,",
            "best score per generation, and test accuracy against each metric with Kendall's tau in the title.",
            "Reads the experiment from --bootstrap-servers, or from an embedded broker's kept --kafka-data folder."
        })
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--experiment", required = true, description = "Experiment id.")
    String experiment;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Mixin
    StoredTopicsOption topics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ExperimentStore store = ExperimentStore.forExperiment(experiment); // all its scores, not a summary
        try (LocalServices kafka = topics.connect()) {
            ReplayingLoop loop = new ReplayingLoop(
                    "report",
                    KafkaClients.replayingConsumer(kafka.bootstrapServers(), "autost-report"),
                    KafkaClients.producer(kafka.bootstrapServers(), "autost-report-unused"),
                    List.of(Topics.EXPERIMENTS, Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS),
                    store,
                    Duration.ofMillis(100),
                    Duration.ofSeconds(60));
            Thread t = new Thread(loop, "autost-report");
            t.start();
            loop.ready().get(90, TimeUnit.SECONDS);
            loop.stop();
            loop.done().get(30, TimeUnit.SECONDS);
        }
        ExperimentStore.Experiment e = store.experiment(experiment)
                .orElseThrow(() -> new IllegalArgumentException("no experiment '" + experiment
                        + "' on the topics (GET /api/experiments of `autost serve` lists them)"));
        Files.createDirectories(out);
        for (String name : Charts.names()) {
            Files.write(out.resolve(name + ".png"), Charts.render(e, name));
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "wrote %d charts for %s (%d candidates, %d trained) to %s%n",
                        Charts.names().size(),
                        experiment,
                        e.ranking().size(),
                        e.results().size(),
                        out);
        return 0;
    }
}
