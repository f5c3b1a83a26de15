package dev.autost.models.data;

/**
 * A dataset that may well be there on a later try: no local copy, and its download failed or
 * stalled (the network, the source). A trainer tries the job again later instead of failing it for
 * good; a missing copy with downloads off, or a file that fails its checksum, is a
 * {@link DataFormatException} instead.
 */
public final class DataUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
