package dev.autost.domain.model;

import dev.autost.domain.AutostException;

/** A model setting (input geometry, classes, T, backbone) was refused; the message names the field. */
public final class InvalidModelSettingException extends AutostException {
    private static final long serialVersionUID = 1L;

    /** The refused field, as a search-space YAML names it, and what is wrong with it. */
    public record Refusal(String field, String problem) {}

    private final Refusal refusal;

    public InvalidModelSettingException(String field, String problem) {
        super(field + ": " + problem);
        this.refusal = new Refusal(field, problem);
    }

    public Refusal refusal() {
        return refusal;
    }
}
