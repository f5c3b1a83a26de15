package dev.autost.trainer;

import dev.autost.models.train.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Counts the starts of one job that never ended, in a file in its checkpoint folder. A job that
 * kills its process (the kernel's OOM killer, a crash in native code, a JVM error) leaves its
 * request uncommitted, so it comes back on every restart and would block its partition for good;
 * the count lets the next worker give up on it after {@link #MAX} starts with a FAILED result that
 * is committed. Workers sharing the checkpoint volume share the count.
 */
final class JobAttempts {
    /** Starts that ended without a result before a job is given up. */
    static final int MAX = 3;

    static final String FILE = "attempts";

    private final Path file;

    JobAttempts(Path checkpointDir) {
        this.file = checkpointDir.resolve(FILE);
    }

    /**
     * Records a start, durably, before the job builds anything.
     *
     * @return the starts before this one that never ended
     */
    int begin() throws IOException {
        int earlier = earlier();
        // Never through a planted link: a fresh file renamed over this one (folders made as needed).
        AtomicFile.write(file, out -> out.writeBytes(Integer.toString(earlier + 1)));
        return earlier;
    }

    /** The job ended (with a result, or stopped cleanly after a checkpoint): it did not kill its process. */
    void end() throws IOException {
        Files.deleteIfExists(file);
    }

    private int earlier() throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > 16) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Math.max(0, Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return 0; // a torn or foreign file: count from here
        }
    }
}
