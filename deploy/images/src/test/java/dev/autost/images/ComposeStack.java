package dev.autost.images;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The services of a {@link ComposeFile} running as containers, in the order of their
 * dependencies, each started once the ones it depends on answer: Kafka on its port, a service on
 * {@code /ready}. Its named volumes are prefixed with a project name of its own and removed on
 * close.
 */
final class ComposeStack implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final ComposeFile file;
    private final String project;
    private final Map<String, GenericContainer<?>> running = new LinkedHashMap<>();
    /** How often each service's container was started: the broker's log says "started" as often. */
    private final Map<String, Integer> starts = new HashMap<>();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ComposeStack(ComposeFile file, String project) {
        this.file = file;
        this.project = project;
    }

    /** Starts every service of {@code file} outside a profile. */
    static ComposeStack up(ComposeFile file, String project) throws Exception {
        ComposeStack stack = new ComposeStack(file, project);
        try {
            List<String> order = new ArrayList<>();
            file.services().values().forEach(s -> visit(file, s.name(), order));
            for (String name : order) {
                ComposeFile.Service s = file.services().get(name);
                if (s.profiles().isEmpty()) {
                    stack.start(s);
                }
            }
            return stack;
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    private static void visit(ComposeFile file, String name, List<String> order) {
        if (order.contains(name)) {
            return;
        }
        file.services().get(name).dependsOn().forEach(d -> visit(file, d, order));
        order.add(name);
    }

    private void start(ComposeFile.Service s) throws Exception {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(s.image()))
                .withNetworkMode("host")
                .withStartupCheckStrategy(new IsRunningStartupCheckStrategy());
        if (!s.command().isEmpty()) {
            c.withCommand(s.command().toArray(String[]::new));
        }
        s.environment().forEach(c::withEnv);
        Map<String, String> tmpfs = new HashMap<>();
        s.tmpfs().forEach(path -> tmpfs.put(path, "rw"));
        c.withTmpFs(tmpfs);
        List<Bind> binds = new ArrayList<>();
        for (String v : s.volumes()) {
            String[] parts = v.split(":");
            AccessMode mode = parts.length > 2 && parts[2].equals("ro") ? AccessMode.ro : AccessMode.rw;
            String source = parts[0].startsWith("/") ? parts[0] : project + "_" + parts[0];
            if (!parts[0].startsWith("/") && !file.volumes().contains(parts[0])) {
                throw new IllegalArgumentException(s.name() + ": volume " + parts[0] + " is not declared");
            }
            binds.add(new Bind(source, new Volume(parts[1]), mode));
        }
        c.withCreateContainerCmdModifier(cmd -> {
            cmd.withName(project + "-" + s.name());
            var host = cmd.getHostConfig();
            host.withBinds(binds);
            host.withReadonlyRootfs(s.readOnly());
            host.withSecurityOpts(s.securityOpt());
            host.withCapDrop(s.capDrop().stream().map(Capability::valueOf).toArray(Capability[]::new));
        });
        c.start();
        running.put(s.name(), c);
        starts.merge(s.name(), 1, Integer::sum);
        awaitReady(s, c);
    }

    /** A loopback port free now, for a service of the stack or a tool beside it. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The loopback port a service listens on: Kafka's client port or {@code --http-port}. */
    int port(String service) {
        ComposeFile.Service s = file.services().get(service);
        String kafka = s.environment().get("KAFKA_PORT");
        if (kafka != null) {
            return Integer.parseInt(kafka);
        }
        int i = s.command().indexOf("--http-port");
        if (i < 0) {
            throw new IllegalArgumentException(service + " has no --http-port");
        }
        return Integer.parseInt(s.command().get(i + 1));
    }

    private void awaitReady(ComposeFile.Service s, GenericContainer<?> c) throws Exception {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        int port = port(s.name());
        // A container started again keeps its log: the broker is up once it said so once more.
        int starts = this.starts.get(s.name());
        while (Instant.now().isBefore(deadline)) {
            if (!c.isRunning()) {
                throw new AssertionError(s.name() + " exited before it was ready:\n" + c.getLogs());
            }
            if (s.environment().containsKey("KAFKA_PORT")
                    ? c.getLogs().split("Kafka Server started", -1).length > starts
                    : ready(port)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                s.name() + " not ready on port " + port + " after " + READY_TIMEOUT + ":\n" + c.getLogs());
    }

    private boolean ready(int port) {
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sends SIGKILL to a service's container: no shutdown hook, no commit, no goodbye. */
    void kill(String service) {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.killContainerCmd(running.get(service).getContainerId())
                .withSignal("KILL")
                .exec();
    }

    /** Stops a service's container as an operator does: SIGTERM, its shutdown hook, then exit. */
    void stop(String service) {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.stopContainerCmd(running.get(service).getContainerId())
                .withTimeout(30)
                .exec();
    }

    /** Starts a service's container again if it has stopped (killed or stopped), and waits until it is ready. */
    void restartIfStopped(String service) throws Exception {
        if (!running.get(service).isRunning()) {
            startAgain(service);
            awaitReady(service);
        }
    }

    /** Starts a stopped service's container again without waiting for it to be ready. */
    void startAgain(String service) {
        DockerClientFactory.instance()
                .client()
                .startContainerCmd(running.get(service).getContainerId())
                .exec();
        starts.merge(service, 1, Integer::sum);
    }

    /** Waits until a service answers ready (the broker: says it started, once more). */
    void awaitReady(String service) throws Exception {
        awaitReady(file.services().get(service), running.get(service));
    }

    /** A service's container log so far (standard output and error). */
    String logs(String service) {
        return running.get(service).getLogs();
    }

    /** The services started. */
    List<String> services() {
        return List.copyOf(running.keySet());
    }

    /** Runs a command in a service's container and returns its standard output. */
    String exec(String service, String... command) throws Exception {
        var result = running.get(service).execInContainer(command);
        if (result.getExitCode() != 0) {
            throw new AssertionError(service + ": " + String.join(" ", command) + " failed: " + result.getStderr());
        }
        return result.getStdout();
    }

    @Override
    public void close() {
        List<String> names = new ArrayList<>(running.keySet());
        java.util.Collections.reverse(names);
        for (String name : names) {
            running.get(name).stop();
        }
        DockerClient docker = DockerClientFactory.instance().client();
        for (String v : file.volumes()) {
            try {
                docker.removeVolumeCmd(project + "_" + v).exec();
            } catch (RuntimeException ignored) {
                // Never created (the service using it did not start) or already gone.
            }
        }
    }
}
