/**
 * Search strategies behind one ask/tell interface. A strategy is driven by one caller
 * (not thread-safe), is deterministic for a seed, and its result never depends on the
 * order in which outcomes are told. Constraints are checked before a candidate is
 * handed out; no genome is handed out twice.
 */
package dev.autost.domain.search;
