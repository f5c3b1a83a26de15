package dev.autost.models.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A checkpoint that cannot be resumed from (a format of an older build, a torn or foreign file).
 * Nothing of the run is lost that training again cannot make: the caller sets it aside
 * ({@link #setAside}) and trains from the start, instead of failing a request for good.
 */
public final class UnreadableCheckpointException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    private final transient Path dir;

    UnreadableCheckpointException(Path dir, IOException cause) {
        super(dir + ": cannot resume from checkpoint: " + cause.getMessage(), cause);
        this.dir = dir;
    }

    /**
     * Renames the checkpoint to {@code checkpoint.bin.unreadable} (kept for a look, replacing an
     * earlier one), so the next run of this folder starts from epoch 0.
     *
     * @return the file it now is
     */
    public Path setAside() throws IOException {
        Path aside = dir.resolve(Checkpoint.FILE + ".unreadable");
        java.nio.file.Files.move(
                dir.resolve(Checkpoint.FILE), aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }
}
