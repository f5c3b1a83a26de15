package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientRateLimitTest {
    private static final long S = 1_000_000_000L;

    @Test
    void take_burstThenRate_perClient() {
        ClientRateLimit limit = new ClientRateLimit(2, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limit.take("a", 0), "burst " + i);
        }
        assertEquals(1, limit.take("a", 0), "the fourth at once waits");
        assertEquals(0, limit.take("b", 0), "another client has its own bucket");
        assertEquals(0, limit.take("a", S / 2), "half a second later: one more (2 a second)");
        assertTrue(limit.take("a", S / 2) >= 1);
        assertEquals(0, limit.take("a", 100 * S), "refilled, never above the burst");
        assertEquals(0, limit.take("a", 100 * S));
        assertEquals(0, limit.take("a", 100 * S));
        assertTrue(limit.take("a", 100 * S) >= 1);
    }

    @Test
    void take_manyAddresses_keepsABoundedNumberOfBuckets() {
        ClientRateLimit limit = new ClientRateLimit(1, 1);
        for (int i = 0; i < ClientRateLimit.MAX_CLIENTS + 500; i++) {
            limit.take("10.0." + (i / 256) + "." + (i % 256), 0);
        }
        assertEquals(ClientRateLimit.MAX_CLIENTS, limit.clients());
    }
}
