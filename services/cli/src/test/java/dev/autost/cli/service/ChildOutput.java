package dev.autost.cli.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What a child `autost serve` prints, read from its log as it runs. */
final class ChildOutput {
    private ChildOutput() {}

    /** The child's output once it contains {@code marker}; fails if the child exits first. */
    static String await(Process p, Path log, String marker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (out.contains(marker)) {
                return out;
            }
            if (!p.isAlive()) {
                throw new AssertionError("autost serve exited with " + p.exitValue() + ":\n" + out);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("autost serve did not start in 120 s:\n" + Files.readString(log));
    }
}
