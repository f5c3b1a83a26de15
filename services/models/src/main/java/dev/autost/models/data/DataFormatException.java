package dev.autost.models.data;

import java.nio.file.Path;

/** A data file that is missing, truncated or not in the expected format; the message names the file. */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
