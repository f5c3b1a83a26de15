package dev.autost.sampler;

import dev.autost.domain.fidelity.SuccessiveHalving;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.TrainRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One experiment's training by successive halving, after its search: the {@link SuccessiveHalving}
 * state, the first rung's request of every entrant (a promotion is that request with more epochs)
 * and the search's SEARCH_DONE report, which every later report repeats with the training's
 * progress. Not thread-safe: the sampler's loop owns it.
 */
final class HalvingRun {
    private final ExperimentPlan plan;
    private final SuccessiveHalving halving;
    private final Map<String, TrainRequest> firstRung = new LinkedHashMap<>();
    private final Report searchDone;
    private final int otherTrained;
    private final int otherEpochs;

    /**
     * @param entrants   the first rung's requests, best first
     * @param searchDone the SEARCH_DONE report of the search
     * @param otherTrained candidates the experiment trained that are no entrants (a calibrated
     *                   objective's trainings), counted in the reports with their epochs
     */
    HalvingRun(ExperimentPlan plan, List<TrainRequest> entrants, Report searchDone, int otherTrained, int otherEpochs) {
        this.otherTrained = otherTrained;
        this.otherEpochs = otherEpochs;
        this.plan = Objects.requireNonNull(plan, "plan");
        this.searchDone = Objects.requireNonNull(searchDone, "searchDone");
        List<String> hashes = new ArrayList<>();
        for (TrainRequest r : entrants) {
            firstRung.put(r.getGenomeHash(), r);
            hashes.add(r.getGenomeHash());
        }
        this.halving = new SuccessiveHalving(plan.halving().orElseThrow(), hashes);
    }

    SuccessiveHalving halving() {
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
                .setTrainExpected(firstRung.size() + otherTrained)
                .setTrainEpochsRequested((int) Math.min(Integer.MAX_VALUE, halving.epochsRequested() + otherEpochs))
                .setTrainBudgetEpochs((int) Math.min(Integer.MAX_VALUE, halving.budgetEpochs() + otherEpochs))
                .build();
    }

    String experimentId() {
        return plan.experimentId();
    }
}
