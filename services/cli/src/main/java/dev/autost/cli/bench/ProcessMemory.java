package dev.autost.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from {@code /proc/self/status}: what the kernel charges (JVM
 * heap, libtorch's native arrays, allocator caches), the figure a pod's memory limit is checked
 * against. NaN where there is no procfs.
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Resident set size now, in GB (10^9 bytes). */
    static double rssGb() {
        return field("VmRSS:");
    }

    /** Peak resident set size since the process started, in GB. */
    static double peakRssGb() {
        return field("VmHWM:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String kb = line.substring(name.length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024 / 1e9;
                }
            }
        } catch (IOException | RuntimeException e) {
            // No procfs (not Linux): the bench prints NaN rather than fail.
        }
        return Double.NaN;
    }
}
