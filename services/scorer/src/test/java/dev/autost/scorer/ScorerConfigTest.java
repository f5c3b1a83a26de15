package dev.autost.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScorerConfigTest {

    @Test
    void of_bootstrapOnly_usesDefaults() {
        ScorerConfig config = ScorerConfig.of("127.0.0.1:9092");

        assertEquals("autost-scorer", config.groupId());
        assertEquals(ScorerConfig.DEFAULT_MAX_POLL_RECORDS, config.maxPollRecords());
    }

    @Test
    void new_bootstrapWithoutPort_throwsNamingField() {
        var e = assertThrows(IllegalArgumentException.class, () -> ScorerConfig.of("localhost"));
        assertTrue(e.getMessage().contains("bootstrapServers") && e.getMessage().contains("localhost"));
    }

    @Test
    void withMaxPollRecords_zero_throwsNamingValue() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> ScorerConfig.of("h:1").withMaxPollRecords(0));
        assertTrue(e.getMessage().contains("maxPollRecords") && e.getMessage().contains("0"));
    }

    @Test
    void new_negativePollTimeout_throws() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ScorerConfig("h:1", "g", "s", 10, Duration.ofMillis(-1), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("pollTimeout"));
    }

    @Test
    void withScorerId_blank_throws() {
        assertThrows(
                IllegalArgumentException.class, () -> ScorerConfig.of("h:1").withScorerId(" "));
    }
}
