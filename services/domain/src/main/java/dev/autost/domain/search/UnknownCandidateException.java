package dev.autost.domain.search;

import dev.autost.domain.AutostException;

/** A tell named a candidate id that the strategy never handed out. */
public final class UnknownCandidateException extends AutostException {
    private static final long serialVersionUID = 1L;

    public UnknownCandidateException(long id) {
        super("no candidate with id " + id + " was asked for");
    }
}
