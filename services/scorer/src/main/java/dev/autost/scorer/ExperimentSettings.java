package dev.autost.scorer;

import dev.autost.domain.model.ModelSetting;

/**
 * Where the scorer finds the model setting of an experiment. Candidates carry no space; the
 * setting comes from the experiment's {@code ExperimentSpec} on {@code autost.experiments}.
 *
 * <p>Implementations must be safe to call from the thread that runs {@link ScoreFunction}.
 */
@FunctionalInterface
public interface ExperimentSettings {

    /**
     * The model setting of {@code experimentId}.
     *
     * @throws UnknownExperimentException if no usable spec is known; the message says why
     */
    ModelSetting settingOf(String experimentId);
}
