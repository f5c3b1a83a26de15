/**
 * The commands about one architecture: {@code autost score} (costs of genomes read as JSON
 * lines), {@code autost explain} (where one genome's costs go) and {@code autost train} (trains
 * it).
 */
package dev.autost.cli.model;
