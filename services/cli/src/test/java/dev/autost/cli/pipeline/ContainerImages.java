package dev.autost.cli.pipeline;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The locally built images the container tests run (deploy/containers/build-images), started on
 * the host network so that every byte stays on 127.0.0.1.
 * Whether a test class runs at all is {@link NeedsImages}'s decision.
 */
final class ContainerImages {
    private ContainerImages() {}

    /** Starts the Kafka image on two free loopback ports; returns its bootstrap servers. */
    static Started kafka() {
        String image = present(image("autost.kafka.image"));
        int port = freePort();
        int controllerPort = freePort();
        GenericContainer<?> kafka = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withEnv("KAFKA_PORT", Integer.toString(port))
                .withEnv("KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort))
                .withEnv("KAFKA_LISTEN_HOST", "127.0.0.1")
                .waitingFor(
                        Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
        kafka.start();
        return new Started(kafka, "127.0.0.1:" + port);
    }

    /** A started container and the address its clients use. */
    record Started(GenericContainer<?> container, String address) implements AutoCloseable {
        @Override
        public void close() {
            container.stop();
        }
    }

    /** The image named by a system property (set by Failsafe from the build). */
    static String image(String property) {
        String image = System.getProperty(property);
        if (image == null || image.isBlank()) {
            throw new IllegalStateException("system property " + property + " names no image");
        }
        return image;
    }

    /** The image, or a failure naming how to build it (nothing can be pulled here). */
    static String present(String image) {
        if (!exists(image)) {
            throw new IllegalStateException(image + " is missing: run deploy/containers/build-images");
        }
        return image;
    }

    /** Whether the engine holds the image. */
    static boolean exists(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
