/**
 * The network a genome becomes, apart from the genome itself: input geometry, classes, time
 * steps, patch size and backbone ({@link dev.autost.domain.model.ModelSetting}). Both the search
 * space (which fixes a setting) and the cost model (which counts a network in it) build on this
 * package, so neither depends on the other's internals.
 */
package dev.autost.domain.model;
