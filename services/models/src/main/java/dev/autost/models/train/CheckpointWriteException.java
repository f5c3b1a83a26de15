package dev.autost.models.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A checkpoint could not be written (a full or unreachable volume): nothing is wrong with the
 * training itself, so a trainer tries the job again later rather than failing it for good.
 */
public final class CheckpointWriteException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    CheckpointWriteException(Path dir, IOException cause) {
        super(dir + ": cannot write checkpoint: " + cause.getMessage(), cause);
    }
}
