package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final byte[] KEY = "exp-1/abc".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GARBAGE = {(byte) 0xff, 0x00, 0x13};

    private final DeadLetters deadLetters = new DeadLetters("scorer", Clock.fixed(NOW, ZoneOffset.UTC));

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        return new ConsumerRecord<>(Topics.CANDIDATES, 2, 417L, key, value);
    }

    @Test
    void deadLetter_undecodableRecord_keepsOriginalBytesAndPosition() {
        InvalidProtocolBufferException error = new InvalidProtocolBufferException("truncated");

        DeadLetter letter = deadLetters.deadLetter(record(KEY, GARBAGE), "cannot decode Candidate", error);

        assertEquals(SchemaVersions.CURRENT, letter.getSchemaVersion());
        assertEquals(Topics.CANDIDATES, letter.getSourceTopic());
        assertEquals(2, letter.getPartition());
        assertEquals(417L, letter.getOffset());
        assertEquals("cannot decode Candidate", letter.getReason());
        assertEquals(InvalidProtocolBufferException.class.getName(), letter.getErrorClass());
        assertArrayEquals(KEY, letter.getOriginalKey().toByteArray());
        assertArrayEquals(GARBAGE, letter.getOriginalValue().toByteArray());
        assertEquals(NOW.toEpochMilli(), letter.getAtMs());
        assertEquals("scorer", letter.getService());
    }

    @Test
    void deadLetter_nullKeyValueAndNoException_storesEmpty() {
        DeadLetter letter = deadLetters.deadLetter(record(null, null), "unknown schema_version 7", null);

        assertEquals(0, letter.getOriginalKey().size());
        assertEquals(0, letter.getOriginalValue().size());
        assertEquals("", letter.getErrorClass());
    }

    @Test
    void deadLetterRecord_withException_targetsDeadLetterTopicWithHeaders() throws InvalidProtocolBufferException {
        ProducerRecord<byte[], byte[]> out =
                deadLetters.deadLetterRecord(record(KEY, GARBAGE), "bad genome", new IllegalStateException());

        assertEquals(Topics.DEAD_LETTERS, out.topic());
        assertNull(out.partition(), "partition follows the original key");
        assertArrayEquals(KEY, out.key());
        assertEquals(IllegalStateException.class.getName(), header(out, DeadLetters.ERROR_CLASS_HEADER));
        assertEquals("bad genome", header(out, DeadLetters.REASON_HEADER));
        DeadLetter decoded = DeadLetter.parseFrom(out.value());
        assertEquals(deadLetters.deadLetter(record(KEY, GARBAGE), "bad genome", new IllegalStateException()), decoded);
    }

    @Test
    void deadLetter_nullReason_throws() {
        assertThrows(NullPointerException.class, () -> deadLetters.deadLetter(record(KEY, GARBAGE), null, null));
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A dead letter carrying a whole 1 MB record would itself exceed the broker's limit and be lost. */
    @Test
    void deadLetter_valueOverTheCap_keepsItsFirstBytesAndItsSize() {
        byte[] huge = new byte[1_048_400];
        huge[0] = 7;
        byte[] longKey = new byte[5000];

        DeadLetter letter = deadLetters.deadLetter(record(longKey, huge), "x".repeat(100_000), null);

        assertEquals(DeadLetters.MAX_ORIGINAL_VALUE, letter.getOriginalValue().size());
        assertEquals(7, letter.getOriginalValue().byteAt(0));
        assertEquals(huge.length, letter.getOriginalValueSize());
        assertEquals(DeadLetters.MAX_ORIGINAL_KEY, letter.getOriginalKey().size());
        assertTrue(letter.getReason().length() <= DeadLetters.MAX_REASON + 3);
        assertTrue(letter.getSerializedSize() < 100 * 1024, "dead letter of " + letter.getSerializedSize() + " bytes");
    }

    @Test
    void deadLetter_valueUnderTheCap_keptWholeWithSizeZero() {
        DeadLetter letter = deadLetters.deadLetter(record(KEY, GARBAGE), "r", null);

        assertEquals(0, letter.getOriginalValueSize());
        assertArrayEquals(GARBAGE, letter.getOriginalValue().toByteArray());
    }
}
