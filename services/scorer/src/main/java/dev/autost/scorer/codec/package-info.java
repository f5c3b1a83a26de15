/**
 * Protobuf-to-domain mapping of the scorer. Stateless, thread-safe; errors are {@link
 * dev.autost.domain.genome.InvalidGenomeException} with a message naming the field.
 */
package dev.autost.scorer.codec;
