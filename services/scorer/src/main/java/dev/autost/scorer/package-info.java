/**
 * The scorer service: training-free cost estimates of candidate architectures.
 *
 * <p>In: {@code autost.candidates} (group {@code autost-scorer}) and {@code autost.experiments}
 * (read whole, for the model setting of each experiment). Out: {@code autost.scores} (key
 * {@code experimentId/genomeHash}) and {@code autost.dead-letters}.
 *
 * <p>Contract: {@link dev.autost.scorer.ScoreFunction} is pure and thread-safe; {@link
 * dev.autost.scorer.ScorerConfig} is immutable and validated; the Kafka clients are used by one
 * dedicated thread only. Delivery is at-least-once; scores are deterministic, so duplicates are
 * harmless on the compacted scores topic.
 */
package dev.autost.scorer;
