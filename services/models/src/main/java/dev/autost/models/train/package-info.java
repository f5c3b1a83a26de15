/**
 * The training loop ({@link dev.autost.models.train.SpikingTrainer}), its recipe
 * ({@link dev.autost.models.train.Recipe}), AdamW with checkpointable state,
 * checkpoints and results. A trainer is confined to one thread.
 */
package dev.autost.models.train;
