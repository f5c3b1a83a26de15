package dev.autost.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autost.api.ApiServerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ApiOptionsTest {
    @Command
    static final class Holder {
        @Mixin
        ApiOptions api;
    }

    private static ApiOptions parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.api;
    }

    @Test
    void server_noBind_listensOnLoopbackWithTheDefaultLimits() {
        ApiServerConfig server = parse().server();
        assertEquals(ApiServerConfig.of("127.0.0.1", 8080), server);
        assertEquals(ApiServerConfig.DEFAULT_IDLE_TIMEOUT, server.idleTimeout());
        assertEquals(ApiServerConfig.DEFAULT_MAX_CONNECTIONS, server.maxConnections());
    }

    @Test
    void server_bindGiven_listensThere() {
        assertEquals(
                ApiServerConfig.of("0.0.0.0", 9090),
                parse("--bind", "0.0.0.0", "--http-port", "9090").server());
    }
}
