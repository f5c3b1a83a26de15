/** {@code autost bench score|pipeline|train}: throughput figures, printed, never asserted by tests. */
package dev.autost.cli.bench;
