package dev.autost.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM on this test's classpath, its output in its own log file. It can be killed
 * without warning (SIGKILL, as a crash or an OOM kill does) or asked to stop (SIGTERM, as a
 * host shutdown does).
 */
final class ChildJvm {
    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with {@code args}; stdout and stderr go to {@code log} (replaced). */
    static ChildJvm start(String mainClass, List<String> args, Path log) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Seven JVMs share two cores: the serial collector and C1 only keep start-up and
                // idle cost low. Java arithmetic is exact whatever the JIT, so results do not change.
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true"),
                "-Dautost.onednn=" + System.getProperty("autost.onednn", "true"),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass, e);
        }
    }

    /** SIGKILL, then waits until the process is gone: no shutdown hook, no checkpoint, no goodbye. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM: the process runs its shutdown hooks (services stop cleanly, a trainer after its epoch). */
    void terminate() {
        process.destroy();
    }

    /** True once the process has exited, waiting up to {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    /** Whether the log so far contains {@code text}. */
    boolean logContains(String text) {
        try {
            return Files.isRegularFile(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
