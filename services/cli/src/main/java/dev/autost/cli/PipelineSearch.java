package dev.autost.cli;

import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Trial;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Score;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code autost search} through Kafka: starts (or joins) the broker and the services, submits
 * the experiment, shows its progress and returns the ranking rebuilt from the scores topic —
 * the same ranking the in-process search gives for the same seed.
 */
final class PipelineSearch {
    private final SearchCommand cmd;
    private final SearchSpace space;
    private final EvolutionSettings settings;
    private dev.autost.observability.Observability observability;

    PipelineSearch(SearchCommand cmd, SearchSpace space, EvolutionSettings settings) {
        this.cmd = cmd;
        this.space = space;
        this.settings = settings;
    }

    /** Milliseconds: broker and topics ready, services replayed, experiment submitted to finished. */
    long brokerMs;

    long servicesMs;
    long searchMs;

    List<Trial> run(PrintWriter err) {
        if (cmd.generations < 1) {
            throw new IllegalArgumentException(
                    "--generations must be at least 1 through Kafka (0 means the default in an experiment spec)");
        }
        cmd.cluster.check();
        if (cmd.experimentId == null) {
            cmd.experimentId = "search-" + space.name() + "-" + settings.seed() + "-" + System.currentTimeMillis();
        }
        ExperimentSpec spec = ExperimentSpec.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(cmd.experimentId)
                .setSpaceYaml(SearchSpaces.toYaml(space))
                .setStrategy(cmd.strategy)
                .setSeed(settings.seed())
                .setGenerations(settings.generations())
                .setPopulation(settings.population())
                .setParents(settings.parents())
                .setTrainTopK(cmd.trainTopK)
                .setEpochs(cmd.epochs)
                .setDataset(cmd.dataset)
                .setCreatedAtMs(System.currentTimeMillis())
                .build();
        boolean bars = cmd.progress != null ? cmd.progress : System.console() != null;
        if (cmd.cluster.bootstrapServers == null) {
            err.println("autost search: starting an embedded Kafka broker and the services...");
            err.flush();
        }
        long t0 = System.nanoTime();
        try (dev.autost.observability.Observability obs = dev.autost.observability.Observability.withoutServer();
                LocalServices services = LocalServices.connect(
                        cmd.cluster.bootstrapServers, cmd.cluster.kafkaData, cmd.partitions, cmd.replication, obs)) {
            this.observability = obs;
            long t1 = System.nanoTime();
            brokerMs = (t1 - t0) / 1_000_000;
            if (!cmd.cluster.noLocalServices) {
                services.start(
                        LocalServices.Service.SCORER, LocalServices.Service.SAMPLER, LocalServices.Service.EVALUATOR);
                if (cmd.trainTopK > 0) {
                    services.trainerSettings(cmd.trainer.template()).start(LocalServices.Service.TRAINER);
                }
            }
            startApi(services, err);
            long t2 = System.nanoTime();
            servicesMs = (t2 - t1) / 1_000_000;
            try (ExperimentClient client = new ExperimentClient(services.bootstrapServers());
                    ProgressBar bar = bars ? bar(err) : null) {
                client.submit(spec);
                String[] lastTraining = {""};
                ExperimentClient.Outcome outcome = client.follow(cmd.experimentId, cmd.timeout, p -> {
                    if (bar != null) {
                        bar.stepTo(p.scored());
                        bar.setExtraMessage(String.format(
                                "  gen %d/%d  best %.4g", p.generation(), p.generations(), p.bestScore()));
                    }
                    if (p.trainExpected() > 0 && p.phase() == dev.autost.proto.v1.Report.Phase.SEARCH_DONE) {
                        String line = trainingLine(p);
                        if (!line.equals(lastTraining[0])) {
                            err.println(line);
                            err.flush();
                            lastTraining[0] = line;
                        }
                    }
                });
                searchMs = (System.nanoTime() - t2) / 1_000_000;
                this.outcome = outcome;
                return trials(outcome.scores());
            }
        }
    }

    /** The API during a search is a convenience: a busy port costs a warning, not the search. */
    private void startApi(LocalServices services, PrintWriter err) {
        if (cmd.api.noHttp || cmd.cluster.noLocalServices) {
            return;
        }
        try {
            dev.autost.api.ApiVerticle api = new dev.autost.api.ApiVerticle(
                    services.bootstrapServers(),
                    cmd.api.httpPort,
                    cmd.api.tokenOrRandom(),
                    java.time.Clock.systemUTC(),
                    observability::mountOn);
            services.deploy(api);
            err.printf("autost search: follow it on http://localhost:%d/%n", api.actualPort());
        } catch (RuntimeException e) {
            err.printf(
                    "autost search: warning: no HTTP API (port %d: %s); the search goes on%n",
                    cmd.api.httpPort, e.getMessage());
        }
        err.flush();
    }

    /** The experiment's last outcome (scores, training results, reports) after {@link #run}. */
    ExperimentClient.Outcome outcome;

    private static String trainingLine(ExperimentClient.Progress p) {
        String epoch = p.lastEpoch() == null
                ? ""
                : String.format(
                        "; last epoch %d/%d of %s: loss %.4f, test accuracy %.4f, %.0f images/s",
                        p.lastEpoch().getEpoch(),
                        p.lastEpoch().getEpochs(),
                        p.lastEpoch().getGenomeHash(),
                        p.lastEpoch().getTrainLoss(),
                        p.lastEpoch().getTestAccuracy(),
                        p.lastEpoch().getImagesPerSecond());
        return String.format("training: %d/%d trained%s", p.trained(), p.trainExpected(), epoch);
    }

    private ProgressBar bar(PrintWriter err) {
        return new ProgressBarBuilder()
                .setTaskName("scored")
                .setInitialMax(settings.maxCandidates())
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" cand", 1)
                .showSpeed()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .build();
    }

    private List<Trial> trials(List<Score> ranked) {
        List<Trial> out = new ArrayList<>(ranked.size());
        for (Score s : ranked) {
            Genome g = GenomeMessages.toDomain(s.getGenome());
            out.add(new Trial(
                    new Candidate(s.getSequence(), s.getGeneration(), g),
                    ScoreMessages.outcome(s, space.setting().syopsBatch())));
        }
        return out;
    }
}
