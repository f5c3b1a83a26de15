/**
 * The closed-form cost model: parameters, the official syops FLOPs score, the full
 * operation count and the spiking energy estimate, with no tensors and no forward pass.
 * {@code ModelWalk} is the single description of the network that every figure derives
 * from. {@link dev.autost.domain.cost.CostModel} is thread-safe and deterministic.
 */
package dev.autost.domain.cost;
