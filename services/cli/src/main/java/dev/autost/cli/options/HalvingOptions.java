package dev.autost.cli.options;

import dev.autost.domain.fidelity.RungMetric;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.messaging.codec.ExperimentPlan;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --rungs}, {@code --eta}, {@code --train-budget}: successive halving over the trained
 * candidates instead of one training of each.
 */
public final class HalvingOptions {
    @Option(
            names = "--rungs",
            paramLabel = "E1,E2,...",
            description = "Train by successive halving (ASHA): the epochs in all at the end of each rung,"
                    + " e.g. 1,3,9. Every chosen candidate trains the first rung; one in --eta of those a"
                    + " rung finished goes on, continuing its run. Default: none (each trains --epochs once).")
    String rungs;

    @Option(
            names = "--eta",
            description = "With --rungs: a rung promotes one in ETA of the candidates it finished" + " (default: "
                    + RungSchedule.DEFAULT_ETA + ").")
    Integer eta;

    @Option(
            names = "--train-budget",
            paramLabel = "EPOCHS",
            description = "With --rungs: the training budget in epochs of the training set; as many of the"
                    + " best candidates enter as fit when every rung fills its quota (default: --train-top-k"
                    + " enter).")
    Integer budget;

    @Option(
            names = "--rung-metric",
            paramLabel = "METRIC",
            description = "With --rungs: what ranks a rung's candidates for promotion: accuracy (their test"
                    + " accuracy after the rung) or tse (their training losses summed to then, lower first)"
                    + " (default: accuracy).")
    String rungMetric;

    /**
     * The schedule, or empty without {@code --rungs}.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    public Optional<RungSchedule> schedule() {
        if (rungs == null) {
            if (eta != null || budget != null) {
                throw new IllegalArgumentException("--eta and --train-budget need --rungs (e.g. --rungs 1,3,9)");
            }
            if (rungMetric != null) {
                throw new IllegalArgumentException("--rung-metric needs --rungs (e.g. --rungs 1,2,3)");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(RungSchedule.parse(rungs, eta == null ? RungSchedule.DEFAULT_ETA : eta)
                    .rankedBy(RungMetric.parse(rungMetric)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--rungs/--eta: " + e.getMessage());
        }
    }

    /** The schedule, with {@code defaultRungs} when {@code --rungs} is not given (a command that always halves). */
    public RungSchedule scheduleOr(String defaultRungs) {
        try {
            return RungSchedule.parse(
                            rungs == null ? defaultRungs : rungs, eta == null ? RungSchedule.DEFAULT_ETA : eta)
                    .rankedBy(RungMetric.parse(rungMetric));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--rungs/--eta: " + e.getMessage());
        }
    }

    /** The budget in epochs, 0 when not given. */
    public int budgetEpochs() {
        if (budget != null && budget < 1) {
            throw new IllegalArgumentException("--train-budget must be at least 1 epoch, got " + budget);
        }
        return budget == null ? 0 : budget;
    }

    /** Writes the schedule into an experiment spec (nothing without {@code --rungs}). */
    public void applyTo(dev.autost.proto.v1.ExperimentSpec.Builder spec) {
        schedule().ifPresent(h -> ExperimentPlan.withHalving(spec, h, budgetEpochs()));
    }
}
