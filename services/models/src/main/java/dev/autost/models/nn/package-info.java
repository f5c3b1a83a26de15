/**
 * Spiking transformer blocks on DJL and the model factory
 * {@link dev.autost.models.nn.SpikingTransformer#build}. Blocks are not thread-safe
 * (neuron firing-rate meters); one model is trained by one thread.
 */
package dev.autost.models.nn;
