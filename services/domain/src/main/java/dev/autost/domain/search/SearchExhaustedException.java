package dev.autost.domain.search;

import dev.autost.domain.AutostException;

/** The space holds too few feasible, unseen genomes to fill a generation. */
public final class SearchExhaustedException extends AutostException {
    private static final long serialVersionUID = 1L;

    public SearchExhaustedException(String message) {
        super(message);
    }
}
