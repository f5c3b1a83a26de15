package dev.autost.sampler;

import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.search.Strategy;
import dev.autost.domain.search.Trial;
import dev.autost.domain.search.WarmUp;
import dev.autost.messaging.codec.ExperimentPlan;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/** Which of a finished search's ranked candidates its training takes. Stateless. */
final class TrainingPicks {
    private TrainingPicks() {}

    /**
     * Positions in {@code ranking} (0 = best) of the candidates the training takes, ascending: the
     * whole pool for strategy model (its schedule chooses among them), the warm-up's picks, or the
     * plan's selection (after a calibration, what its trainings leave of the budget).
     *
     * @param calibration the calibrated objective's run, or null
     */
    static List<Integer> positions(ExperimentPlan plan, List<Trial> ranking, CalibrationRun calibration) {
        if (plan.strategy() == Strategy.MODEL) {
            return IntStream.range(0, ranking.size()).boxed().toList();
        }
        if (calibration != null && plan.halving().isPresent() && plan.trainBudgetEpochs() > 0) {
            return entrantsAfterCalibration(plan, ranking, calibration.requested());
        }
        int n = plan.trainEntrants(ranking.size());
        return plan.strategy() == Strategy.WARMUP
                ? WarmUp.positions(ranking.size(), n, plan.settings().seed())
                : plan.trainSelection().positions(ranking, n);
    }

    /**
     * Calibrated with halving and a budget: the budget is the experiment's whole training, its
     * calibration included. The most entrants (positions in {@code ranking}) whose halving, plus
     * the calibration trainings that are not entrants (an entrant's calibration was its first
     * rung), fit in the budget.
     */
    private static List<Integer> entrantsAfterCalibration(
            ExperimentPlan plan, List<Trial> ranking, Set<String> calibrated) {
        RungSchedule rungs = plan.halving().orElseThrow();
        for (int n = Math.min(ranking.size(), rungs.entrantsWithin(plan.trainBudgetEpochs(), ranking.size()));
                n > 0;
                n--) {
            List<Integer> picked = plan.trainSelection().positions(ranking, n);
            Set<String> entrants = new HashSet<>();
            picked.forEach(i -> entrants.add(ranking.get(i).candidate().genome().hash()));
            long others = calibrated.stream().filter(h -> !entrants.contains(h)).count();
            if (rungs.worstCaseEpochs(picked.size()) + others * rungs.epochs(0) <= plan.trainBudgetEpochs()) {
                return picked;
            }
        }
        return List.of();
    }
}
