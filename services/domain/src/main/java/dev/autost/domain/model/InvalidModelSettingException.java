package dev.autost.domain.model;

import dev.autost.domain.AutostException;

/** A model setting (input geometry, classes, T, backbone) was refused; the message names the field. */
public final class InvalidModelSettingException extends AutostException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public InvalidModelSettingException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The setting's field, as a search-space YAML names it. */
    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
