/**
 * Search spaces: the genes a search may choose, the fixed model setting and the
 * feasibility windows. Every type here is immutable and validated on construction, so
 * an invalid space never exists; {@link dev.autost.domain.space.InvalidSpaceException}
 * names the offending YAML key. Thread-safe.
 */
package dev.autost.domain.space;
