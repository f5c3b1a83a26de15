package dev.autost.messaging;

import dev.autost.messaging.codec.ExperimentPlan;

/**
 * Where a service that handles one experiment's records (the scorer, the prober) finds the
 * experiment's plan. Records carry no space or settings; those come from the experiment's {@code
 * ExperimentSpec} on {@code autost.experiments}.
 *
 * <p>Implementations must be safe to call from the thread that handles the records.
 */
@FunctionalInterface
public interface ExperimentPlans {

    /**
     * The plan of {@code experimentId}.
     *
     * @throws UnknownExperimentException if no usable spec is known; the message says why
     */
    ExperimentPlan planOf(String experimentId);
}
