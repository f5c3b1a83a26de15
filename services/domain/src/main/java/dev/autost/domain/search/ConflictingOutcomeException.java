package dev.autost.domain.search;

import dev.autost.domain.AutostException;

/** A candidate was told twice with different outcomes. */
public final class ConflictingOutcomeException extends AutostException {
    private static final long serialVersionUID = 1L;

    public ConflictingOutcomeException(long id, double first, double second) {
        super("candidate " + id + " was already told score " + first + ", now " + second);
    }
}
