/**
 * Multi-step LIF/PLIF neurons with a straight-through sigmoid surrogate gradient.
 * Neurons keep no state between forward calls (membranes start at 0 each call); the
 * firing-rate meter is mutable and not thread-safe.
 */
package dev.autost.models.neuron;
