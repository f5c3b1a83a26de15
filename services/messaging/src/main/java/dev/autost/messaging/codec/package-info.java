/**
 * Protobuf-to-domain mapping shared by the services. Stateless, thread-safe; errors are {@link
 * dev.autost.domain.genome.InvalidGenomeException} with a message naming the field.
 */
package dev.autost.messaging.codec;
