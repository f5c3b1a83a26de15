package dev.autost.cli.options;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code --memory-budget}: {@code auto} (80 % of the memory this process can see, which
 * inside a container is its cgroup limit), {@code 0} (no limit), or a size such as {@code 6g},
 * {@code 6GiB}, {@code 1536m} (powers of 1024).
 */
public final class MemoryBudget {
    /** Share of the visible memory {@code auto} takes; the rest is for the kernel and other processes. */
    static final double AUTO_SHARE = 0.8;

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

    private MemoryBudget() {}

    /**
     * @return bytes (0 = no limit)
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return (long) (visibleMemory() * AUTO_SHARE);
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("--memory-budget '" + text
                    + "' is not a size: use auto, 0 (no limit) or a number with k, m, g or t (e.g. 6g, 1536m)");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
    }

    /** Physical memory, or the container's limit where the JVM runs in one. */
    static long visibleMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory() * 4; // no better figure: the default heap is 1/4 of RAM
    }
}
