/**
 * The tabulated benchmark: every member of a small space trained once with one recipe
 * ({@link dev.autost.domain.benchmark.TableRow}, one row per architecture, in
 * {@link dev.autost.domain.benchmark.BenchmarkTable}'s CSV), so that searches can be replayed
 * against it at no training cost, and what random search is expected to find in it at each
 * budget ({@link dev.autost.domain.benchmark.RandomSearchRegret}). Kafka-free.
 */
package dev.autost.domain.benchmark;
