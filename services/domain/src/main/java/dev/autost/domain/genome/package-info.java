/**
 * Genomes: one architecture as {@code (L, r_1..r_L, h_1..h_L, D[, T])}. Values are
 * immutable; the canonical JSON form and the hash derived from it are identical in every
 * JVM, so they can key Kafka records and files. Codecs are stateless and thread-safe.
 */
package dev.autost.domain.genome;
