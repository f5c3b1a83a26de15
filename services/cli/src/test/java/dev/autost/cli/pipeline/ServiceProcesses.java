package dev.autost.cli.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Services as child JVMs ({@code autost service NAME}), for tests that kill a process. Each
 * child's output goes to its own log file; closing stops them (SIGTERM: a trainer's running job
 * stops after its epoch's checkpoint and stays uncommitted, so it is redelivered).
 */
public final class ServiceProcesses implements AutoCloseable {
    private final List<Process> children = new ArrayList<>();

    /**
     * @param service     {@code trainer}, {@code scorer}, ...
     * @param serviceArgs options after the bootstrap servers (a trainer's device, data,
     *                    checkpoints, limits)
     * @param logs        folder for {@code SERVICE-N.log}
     */
    public static ServiceProcesses start(
            int count, String service, String bootstrapServers, List<String> serviceArgs, Path logs)
            throws IOException {
        return start(count, service, bootstrapServers, serviceArgs, logs, java.util.Map.of());
    }

    /** {@link #start(int, String, String, List, Path)} with more environment variables for the children. */
    public static ServiceProcesses start(
            int count,
            String service,
            String bootstrapServers,
            List<String> serviceArgs,
            Path logs,
            java.util.Map<String, String> env)
            throws IOException {
        ServiceProcesses p = new ServiceProcesses();
        Files.createDirectories(logs);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (int i = 0; i < count; i++) {
                List<String> cmd = new ArrayList<>(List.of(
                        java,
                        "-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true"),
                        "-Dautost.onednn=" + System.getProperty("autost.onednn", "true"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.autost.cli.Main",
                        "service",
                        service,
                        "--bootstrap-servers",
                        bootstrapServers,
                        "--http-port",
                        "0"));
                cmd.addAll(serviceArgs);
                Path log = logs.resolve(service + "-" + (i + 2) + ".log");
                ProcessBuilder b =
                        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
                b.environment().putAll(env);
                p.children.add(b.start());
            }
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Kills every child at once (SIGKILL): no checkpoint, no goodbye, as a crash would. */
    public void kill() throws InterruptedException {
        for (Process c : children) {
            c.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits up to {@code timeout} for every child to exit; their exit codes, or null if one still runs. */
    public List<Integer> awaitExit(java.time.Duration timeout) throws InterruptedException {
        List<Integer> codes = new ArrayList<>();
        for (Process c : children) {
            if (!c.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            codes.add(c.exitValue());
        }
        return codes;
    }

    /** Whether every child still runs. */
    public boolean alive() {
        return children.stream().allMatch(Process::isAlive);
    }

    /** Child processes that exited before being asked to. */
    public long exited() {
        return children.stream().filter(c -> !c.isAlive()).count();
    }

    @Override
    public void close() {
        children.forEach(Process::destroy);
        for (Process c : children) {
            try {
                if (!c.waitFor(30, TimeUnit.SECONDS)) {
                    c.destroyForcibly();
                }
            } catch (InterruptedException e) {
                c.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
