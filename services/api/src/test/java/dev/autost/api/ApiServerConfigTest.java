package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiServerConfigTest {
    @Test
    void of_defaults_loopbackMinuteIdleTimeoutAndCap() {
        ApiServerConfig c = ApiServerConfig.of(ApiServerConfig.DEFAULT_HOST, 8080);
        assertEquals("127.0.0.1", c.host());
        assertEquals(Duration.ofSeconds(60), c.idleTimeout());
        assertEquals(256, c.maxConnections());
    }

    @Test
    void new_badValues_throwNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ApiServerConfig.of(" ", 1))
                .getMessage()
                .startsWith("host"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ApiServerConfig.of("::1", 70_000))
                .getMessage()
                .startsWith("port"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> ApiServerConfig.of("::1", 0).withIdleTimeout(Duration.ZERO))
                .getMessage()
                .startsWith("idleTimeout"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> ApiServerConfig.of("::1", 0).withMaxConnections(0))
                .getMessage()
                .startsWith("maxConnections"));
    }
}
