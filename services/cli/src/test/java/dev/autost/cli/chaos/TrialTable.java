package dev.autost.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The trial table as a Markdown file, one row appended as each trial ends, so that a suite that
 * stops half-way still leaves the rows it measured (ready to paste into docs/reliability.md).
 */
final class TrialTable {
    private final Path file;

    /** Starts {@code file} with {@code preamble} (settings, date) and the header. */
    TrialTable(Path file, String preamble) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, preamble + "\n\n" + TrialRow.HEADER + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void add(TrialRow row) {
        try {
            Files.writeString(file, row.markdown() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }
}
