package dev.autost.sampler;

import dev.autost.domain.fidelity.ModelBasedTraining;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.fidelity.SuccessiveHalving;
import dev.autost.domain.fidelity.TrainingSchedule;
import dev.autost.domain.search.Strategy;
import dev.autost.domain.search.Trial;
import dev.autost.domain.search.TrialFeatures;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.TrainRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One experiment's training after its search, by a {@link TrainingSchedule}: successive halving,
 * or for strategy {@code model} a {@link ModelBasedTraining} over the whole scored pool. It holds
 * the schedule, the first request of every entrant (a promotion is that request with more
 * epochs) and the search's SEARCH_DONE report, which every later report repeats with the
 * training's progress. Not thread-safe: the sampler's loop owns it.
 */
final class HalvingRun {
    private final ExperimentPlan plan;
    private final TrainingSchedule halving;
    private final Map<String, TrainRequest> firstRung = new LinkedHashMap<>();
    private final Report searchDone;
    private final int otherTrained;
    private final int otherEpochs;
    private boolean warmStarted;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HalvingRun.class);

    /**
     * @param entrants   the first rung's requests, best first (strategy model: the pool)
     * @param pool       strategy model: the scored pool, best first (else ignored)
     * @param searchDone the SEARCH_DONE report of the search
     * @param otherTrained candidates the experiment trained that are no entrants (a calibrated
     *                   objective's trainings), counted in the reports with their epochs
     */
    HalvingRun(
            ExperimentPlan plan,
            List<TrainRequest> entrants,
            List<Trial> pool,
            Report searchDone,
            int otherTrained,
            int otherEpochs) {
        this.otherTrained = otherTrained;
        this.otherEpochs = otherEpochs;
        this.plan = Objects.requireNonNull(plan, "plan");
        this.searchDone = Objects.requireNonNull(searchDone, "searchDone");
        List<String> hashes = new ArrayList<>();
        for (TrainRequest r : entrants) {
            firstRung.put(r.getGenomeHash(), r);
            hashes.add(r.getGenomeHash());
        }
        RungSchedule rungs = plan.halving().orElseThrow();
        if (plan.strategy() == Strategy.MODEL) {
            long budget = plan.trainBudgetEpochs() > 0
                    ? plan.trainBudgetEpochs() - otherEpochs
                    : (long) plan.trainTopK() * rungs.topEpochs();
            this.halving = new ModelBasedTraining(TrialFeatures.of(pool), rungs.topEpochs(), budget);
        } else {
            this.halving = new SuccessiveHalving(rungs, hashes);
        }
    }

    /**
     * The halving that follows a search: its picks' first-rung {@code requests}, best first, and
     * the {@code calibration} that trained some candidates already (null without one); after a
     * restart, what was asked and trained before. Only what is missing then goes out.
     */
    static HalvingRun afterSearch(
            ExperimentPlan plan,
            List<TrainRequest> requests,
            Report searchDone,
            List<Trial> pool,
            CalibrationRun calibration,
            ReplayedRecords.Of replayed) {
        Set<String> calibrated = calibration == null ? Set.of() : calibration.requested();
        Set<String> entrants = new HashSet<>();
        requests.forEach(r -> entrants.add(r.getGenomeHash()));
        int calibrationOnly =
                (int) calibrated.stream().filter(h -> !entrants.contains(h)).count();
        HalvingRun run =
                new HalvingRun(plan, requests, pool, searchDone, calibrationOnly, calibrationOnly * plan.firstEpochs());
        for (String hash : calibrated) {
            // An entrant trained for calibration has its first rung: same request, same training.
            run.halving.requested(hash, plan.firstEpochs());
            if (calibration.hasResult(hash)) {
                run.halving.record(
                        hash,
                        calibration.epochAccuracies(hash),
                        calibration.epochLosses(hash),
                        calibration.failed(hash));
            }
        }
        replayed.requests.forEach((hash, epochs) -> run.halving.requested(hash, epochs));
        replayed.results.forEach((hash, r) -> run.halving.record(hash, r.accuracies(), r.losses(), r.failed()));
        return run;
    }

    /**
     * {@code warm_start: lab}: once its first result tells the recipe it trains with, a model-based
     * schedule takes every result the lab holds of that recipe for candidates of its pool (once).
     */
    void warmStart(LabResults lab, String recipeKey) {
        if (warmStarted
                || !plan.warmStartLab()
                || recipeKey.isEmpty()
                || !(halving instanceof ModelBasedTraining model)) {
            return;
        }
        warmStarted = true;
        model.warmStart(lab.of(recipeKey));
        LOG.info(
                "experiment {}: surrogate warm-started from {} result(s) of the lab",
                plan.experimentId(),
                model.priorResults());
    }

    TrainingSchedule halving() {
        return halving;
    }

    /** The train requests for {@code requests}: each entrant's request, trained to more epochs. */
    List<TrainRequest> trainRequests(List<SuccessiveHalving.Request> requests) {
        List<TrainRequest> out = new ArrayList<>(requests.size());
        for (SuccessiveHalving.Request r : requests) {
            out.add(firstRung.get(r.genomeHash()).toBuilder()
                    .setEpochs(r.epochs())
                    .build());
        }
        return out;
    }

    /** The search's report in {@code phase}, with the training's counts; open while rungs may promote. */
    Report report(Report.Phase phase, boolean open) {
        return searchDone.toBuilder()
                .setPhase(phase)
                .setTrainingOpen(open)
                .setTrained(halving.withResult() + otherTrained)
                .setTrainExpected(halving.expectedTrainings() + otherTrained)
                .setTrainEpochsRequested((int) Math.min(Integer.MAX_VALUE, halving.epochsRequested() + otherEpochs))
                .setTrainBudgetEpochs((int) Math.min(Integer.MAX_VALUE, halving.budgetEpochs() + otherEpochs))
                .build();
    }

    String experimentId() {
        return plan.experimentId();
    }
}
