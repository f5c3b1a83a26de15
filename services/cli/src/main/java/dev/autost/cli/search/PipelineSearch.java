package dev.autost.cli.search;

import dev.autost.api.ApiServerConfig;
import dev.autost.api.ApiVerticle;
import dev.autost.cli.options.ApiTokenOptions;
import dev.autost.cli.options.CommonOptions.ProgressOption;
import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.ProbeGate;
import dev.autost.domain.search.TrainingSelection;
import dev.autost.domain.search.Trial;
import dev.autost.domain.space.SearchSpace;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.observability.Observability;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.trainer.TrainerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import me.tongfei.progressbar.ProgressBar;

/**
 * {@code autost search} through Kafka: starts (or joins) the broker and the services, submits
 * the experiment, shows its progress and returns the ranking rebuilt from the scores topic —
 * the same ranking the in-process search gives for the same seed.
 */
final class PipelineSearch {
    /**
     * Everything a search through Kafka needs, as {@link SearchCommand} parsed it.
     *
     * @param experimentId the id to submit under (the command picks one when not given)
     * @param progress whether to draw a progress bar on stderr
     * @param api where to serve the HTTP API during the search, or {@code null} for none
     */
    record Request(
            SearchSpace space,
            EvolutionSettings settings,
            String strategy,
            String experimentId,
            Objective objective,
            ProbeGate probeGate,
            int calibrationSize,
            String warmStart,
            int trainTopK,
            TrainingSelection trainSelection,
            int epochs,
            java.util.Optional<RungSchedule> halving,
            int trainBudgetEpochs,
            String dataset,
            Duration timeout,
            boolean progress,
            Cluster cluster,
            TrainerConfig trainer,
            Api api) {
        Request {
            Objects.requireNonNull(experimentId, "experimentId");
            if (settings.generations() < 1) {
                throw new IllegalArgumentException(
                        "--generations must be at least 1 through Kafka (0 means the default in an experiment spec)");
            }
        }
    }

    /**
     * The broker and services: {@code bootstrapServers} {@code null} starts an embedded broker
     * (its data in {@code kafkaData}, or a temporary folder when {@code null}); topics this run
     * creates get {@code partitions} and {@code replication}.
     */
    record Cluster(
            String bootstrapServers,
            Path kafkaData,
            boolean secure,
            boolean localServices,
            int partitions,
            short replication) {}

    /** The HTTP API during the search. */
    record Api(ApiServerConfig server, ApiTokenOptions.Token token) {}

    /**
     * What the search gave: the ranking, the experiment's outcome (scores, training results,
     * reports) and milliseconds until the broker and topics were ready, until the services had
     * replayed, and from submitting the experiment to its end.
     */
    record Result(
            List<Trial> ranking,
            ExperimentClient.FollowedExperiment outcome,
            long brokerMs,
            long servicesMs,
            long searchMs) {}

    private final Request request;

    PipelineSearch(Request request) {
        this.request = Objects.requireNonNull(request, "request");
    }

    Result run(PrintWriter err) {
        Cluster cluster = request.cluster();
        EvolutionSettings settings = request.settings();
        ExperimentSpec spec = ExperimentPlan.specBuilder(
                        request.experimentId(),
                        request.space(),
                        request.strategy(),
                        settings.seed(),
                        settings.population(),
                        settings.generations(),
                        settings.parents())
                .setObjective(request.objective().id())
                .setProbeFraction(request.probeGate().fraction())
                .setCalibrationSize(request.calibrationSize())
                .setWarmStart(request.warmStart())
                .setTrainTopK(request.trainTopK())
                .setTrainSelection(request.trainSelection().id())
                .setEpochs(request.epochs())
                .setDataset(request.dataset())
                .setCreatedAtMs(System.currentTimeMillis())
                .build();
        if (request.halving().isPresent()) {
            RungSchedule h = request.halving().get();
            spec = ExperimentPlan.withHalving(spec.toBuilder(), h, request.trainBudgetEpochs())
                    .build();
        }
        ExperimentPlan.fromSpec(spec); // refused here, before a broker starts, rather than by the sampler
        if (cluster.bootstrapServers() == null) {
            err.println("autost search: starting an embedded Kafka broker and the services...");
            err.flush();
        }
        long t0 = System.nanoTime();
        try (Observability obs = Observability.withoutServer();
                LocalServices services = LocalServices.connect(
                        cluster.bootstrapServers(),
                        cluster.kafkaData(),
                        cluster.secure(),
                        cluster.partitions(),
                        cluster.replication(),
                        obs)) {
            long t1 = System.nanoTime();
            // The path, never the credentials: output ends up in logs that others read.
            services.clientProperties()
                    .ifPresent(f -> err.printf(
                            "autost search: embedded broker on SASL_SSL at %s; client properties in %s%n",
                            services.bootstrapServers(), f));
            if (cluster.localServices()) {
                services.trainerSettings(request.trainer());
                services.start(
                        LocalServices.Service.SCORER, LocalServices.Service.SAMPLER, LocalServices.Service.EVALUATOR);
                if (request.objective().needsProbes()) {
                    services.start(LocalServices.Service.PROBER);
                }
                if (request.trainTopK() > 0
                        || request.trainBudgetEpochs() > 0
                        || request.objective().isCalibrated()) {
                    services.start(LocalServices.Service.TRAINER);
                }
                startApi(services, obs, err);
            }
            long t2 = System.nanoTime();
            try (ExperimentClient client = new ExperimentClient(services.bootstrapServers());
                    ProgressBar bar = request.progress()
                            ? ProgressOption.bar("scored", settings.maxCandidates(), " cand")
                            : null) {
                client.submit(spec);
                String[] lastTraining = {""};
                ExperimentClient.FollowedExperiment outcome =
                        client.follow(request.experimentId(), request.timeout(), p -> {
                            if (bar != null) {
                                bar.stepTo(p.scored());
                                bar.setExtraMessage(String.format(
                                        "  gen %d/%d  best %.4g", p.generation(), p.generations(), p.bestScore()));
                            }
                            if (p.trainExpected() > 0 && p.phase() == Report.Phase.SEARCH_DONE) {
                                String line = trainingLine(p);
                                if (!line.equals(lastTraining[0])) {
                                    err.println(line);
                                    err.flush();
                                    lastTraining[0] = line;
                                }
                            }
                        });
                return new Result(
                        trials(
                                outcome.scores(),
                                dev.autost.messaging.codec.CalibrationMessages.choices(outcome.search())),
                        outcome,
                        (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000,
                        (System.nanoTime() - t2) / 1_000_000);
            }
        }
    }

    /** The API during a search is a convenience: a busy port costs a warning, not the search. */
    private void startApi(LocalServices services, Observability obs, PrintWriter err) {
        Api api = request.api();
        if (api == null) {
            return;
        }
        try {
            ApiVerticle verticle = new ApiVerticle(
                            services.bootstrapServers(),
                            api.server(),
                            api.token().value(),
                            java.time.Clock.systemUTC(),
                            obs::mountOn)
                    .kafkaMetrics(obs.registry());
            services.deploy(verticle);
            err.printf("autost search: follow it on %s%n", verticle.url());
            // The path, never the token: output ends up in logs that others read.
            api.token()
                    .generatedFile()
                    .ifPresent(f -> err.printf("autost search: API token for this run in %s (owner-only)%n", f));
        } catch (RuntimeException e) {
            err.printf(
                    "autost search: warning: no HTTP API (%s port %d: %s); the search goes on%n",
                    api.server().host(), api.server().port(), e.getMessage());
        }
        err.flush();
    }

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
        String rungs = p.trainEpochsRequested() == 0
                ? ""
                : String.format(" (%d epochs requested so far)", p.trainEpochsRequested());
        return String.format(
                "training: %d/%d trained%s%s%s", p.trained(), p.trainExpected(), rungs, epoch, p.runningLine());
    }

    /** The scores as trials under the objective, best first, as the sampler ranked them. */
    private List<Trial> trials(List<Score> scores, java.util.Map<Integer, String> calibration) {
        List<ScoreMessages.Ranked> ranked = ScoreMessages.rank(
                scores, request.objective(), request.space().setting().syopsBatch(), calibration);
        if (ranked.size() != scores.size()) {
            throw new IllegalStateException("the search finished but " + (scores.size() - ranked.size())
                    + " candidate(s) have no " + request.objective() + " on " + dev.autost.messaging.Topics.SCORES);
        }
        List<Trial> out = new ArrayList<>(ranked.size());
        for (ScoreMessages.Ranked r : ranked) {
            Score s = r.score();
            out.add(new Trial(
                    new Candidate(s.getSequence(), s.getGeneration(), GenomeMessages.toDomain(s.getGenome())),
                    r.outcome()));
        }
        return out;
    }
}
