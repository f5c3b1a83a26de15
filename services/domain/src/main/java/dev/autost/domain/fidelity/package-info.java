/**
 * Multi-fidelity training: successive halving over the candidates a search chose to train. A
 * {@link dev.autost.domain.fidelity.RungSchedule} says how long each rung trains and how many it
 * promotes; a {@link dev.autost.domain.fidelity.SuccessiveHalving} turns training results into the
 * next requests. Kafka-free: the sampler feeds it records, tests feed it numbers.
 */
package dev.autost.domain.fidelity;
