/**
 * {@code autost search}: the command, the search through Kafka ({@link
 * dev.autost.cli.search.PipelineSearch}, given an immutable request) and the results files
 * ({@link dev.autost.cli.search.ResultsWriter}, whose formats other tools read).
 */
package dev.autost.cli.search;
