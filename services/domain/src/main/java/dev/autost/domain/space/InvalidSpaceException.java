package dev.autost.domain.space;

import dev.autost.domain.AutostException;

/** A search-space definition was refused; the message names the offending field. */
public final class InvalidSpaceException extends AutostException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidSpaceException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The YAML key (dotted path) that was refused. */
    public String field() {
        return field;
    }
}
