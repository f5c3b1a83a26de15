package dev.autost.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code keytool} of the running JVM ({@code java.home/bin/keytool}), run in a folder
 * with one store password. The password reaches keytool through its environment
 * ({@code -storepass:env}), never its command line, which other users can read in {@code ps}.
 */
final class Keytool {
    /** keytool starts a JVM per call: seconds on a loaded machine, far less than this. */
    private static final long CALL_TIMEOUT_S = 60;

    private static final String PASSWORD_VARIABLE = "AUTOST_KEYTOOL_STOREPASS";

    private final Path executable;
    private final Path workDir;
    private final String storePassword;

    Keytool(Path workDir, String storePassword) {
        this.executable = Path.of(System.getProperty("java.home"), "bin", "keytool");
        this.workDir = workDir;
        this.storePassword = storePassword;
    }

    /**
     * Runs {@code keytool ARGS -storepass:env ...} in the work folder.
     *
     * @throws IllegalStateException with keytool's output when it fails or there is no keytool
     */
    void run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        command.add("-storepass:env");
        command.add(PASSWORD_VARIABLE);
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, storePassword);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(CALL_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish in " + CALL_TIMEOUT_S + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed (exit "
                        + process.exitValue() + "): " + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot run " + executable + (Files.isExecutable(executable) ? "" : " (not found in java.home)")
                            + " to make the broker's certificates: " + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
    }
}
