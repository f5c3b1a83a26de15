/**
 * Data sets in memory as bytes (Fashion-MNIST IDX, CIFAR-10/100 binary, synthetic),
 * normalisation and augmentation into float batches. Readers fail with a
 * {@link dev.autost.models.data.DataFormatException} naming the file and the problem.
 * Data sets are immutable; {@link dev.autost.models.data.Batches} is stateless apart
 * from the {@link java.util.Random} passed in.
 */
package dev.autost.models.data;
