package dev.autost.messaging;

import com.google.protobuf.ByteString;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns a record a consumer could not handle into a {@link DeadLetter} on {@link
 * Topics#DEAD_LETTERS}, so the consumer can commit past it and keep running.
 *
 * <p>The dead-letter record keeps the original key (so one source key stays on one
 * partition) and carries the error class and reason as headers, readable without decoding the
 * value. Thread-safe: holds only the service name and the clock.
 */
public final class DeadLetters {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeadLetters.class);

    /** Header with the fully qualified exception class; empty when there was no exception. */
    public static final String ERROR_CLASS_HEADER = "autost.error.class";

    /** Header with the human-readable reason, UTF-8. */
    public static final String REASON_HEADER = "autost.reason";

    /**
     * Most bytes of the original value a dead letter keeps. A dead letter must itself fit under
     * the broker's record limit (1 MB by default), or the record it reports would be lost; the
     * rest is counted in {@code original_value_size}.
     */
    public static final int MAX_ORIGINAL_VALUE = 64 * 1024;

    /** Most bytes of the original key kept (it is also the dead letter's own key). */
    public static final int MAX_ORIGINAL_KEY = 1024;

    /** Most characters of a reason kept (an exception message can quote the whole input). */
    public static final int MAX_REASON = 2000;

    private final String service;
    private final Clock clock;
    private final java.util.function.Consumer<String> counted;

    /**
     * @param service name of the service giving up on records, e.g. {@code scorer}
     * @param clock source of {@code at_ms}
     */
    public DeadLetters(String service, Clock clock) {
        this(service, clock, topic -> {});
    }

    /**
     * @param counted told the source topic of every record {@link #reject}ed (the service's meter)
     */
    public DeadLetters(String service, Clock clock, java.util.function.Consumer<String> counted) {
        this.service = Objects.requireNonNull(service, "service");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counted = Objects.requireNonNull(counted, "counted");
    }

    /**
     * Gives up on {@code record}: logs why, counts it and returns its dead letter as the one
     * record to produce.
     */
    public List<ProducerRecord<byte[], byte[]>> reject(
            ConsumerRecord<byte[], byte[]> record, String reason, Throwable error) {
        LOG.warn(
                "{}: dead-lettering {}-{}@{}: {}",
                service,
                record.topic(),
                record.partition(),
                record.offset(),
                reason);
        counted.accept(record.topic());
        return List.of(deadLetterRecord(record, reason, error));
    }

    /** {@link #reject} for a message whose {@code schema_version} this build does not know. */
    public List<ProducerRecord<byte[], byte[]>> unknownVersion(ConsumerRecord<byte[], byte[]> record, int version) {
        return reject(record, "unknown schema_version " + Integer.toUnsignedString(version), null);
    }

    /**
     * Builds the dead letter of {@code record}. A {@code null} key or value is stored as empty
     * bytes (protobuf has no null).
     *
     * @param reason why the record was rejected, e.g. {@code unknown schema_version 7}
     * @param error what was thrown, or {@code null} if the record was rejected without one
     */
    public DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error) {
        Objects.requireNonNull(record, "record");
        return letter(record.topic(), record.partition(), record.offset(), record.key(), record.value(), reason, error);
    }

    private DeadLetter letter(
            String topic, int partition, long offset, byte[] key, byte[] value, String reason, Throwable error) {
        Objects.requireNonNull(reason, "reason");
        DeadLetter.Builder b = DeadLetter.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setReason(shortened(reason))
                .setErrorClass(errorClass(error))
                .setOriginalKey(bytes(key, MAX_ORIGINAL_KEY))
                .setOriginalValue(bytes(value, MAX_ORIGINAL_VALUE))
                .setAtMs(clock.millis())
                .setService(service);
        if (value != null && value.length > MAX_ORIGINAL_VALUE) {
            b.setOriginalValueSize(value.length);
        }
        return b.build();
    }

    /**
     * The record to produce to {@link Topics#DEAD_LETTERS}: original key, the serialized {@link
     * DeadLetter} as value, headers {@value #ERROR_CLASS_HEADER} and {@value #REASON_HEADER}.
     */
    public ProducerRecord<byte[], byte[]> deadLetterRecord(
            ConsumerRecord<byte[], byte[]> record, String reason, Throwable error) {
        return toRecord(deadLetter(record, reason, error));
    }

    /**
     * The dead letter of an output the broker refused for good (too large, not serializable):
     * resending cannot help, and dropping it would lose the record without a trace. Partition and
     * offset are -1; {@code source_topic} is the topic the output was meant for.
     */
    public ProducerRecord<byte[], byte[]> refusedOutput(ProducerRecord<byte[], byte[]> output, Throwable error) {
        int size = output.value() == null ? 0 : output.value().length;
        String reason =
                "the broker refused this " + size + "-byte output for " + output.topic() + " for good: " + error;
        LOG.error("{}: dead-lettering an output for {}: {}", service, output.topic(), reason);
        counted.accept(output.topic());
        return toRecord(letter(output.topic(), -1, -1, output.key(), output.value(), reason, error));
    }

    private static ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ERROR_CLASS_HEADER, letter.getErrorClass().getBytes(StandardCharsets.UTF_8));
        headers.add(REASON_HEADER, letter.getReason().getBytes(StandardCharsets.UTF_8));
        byte[] key = letter.getOriginalKey().isEmpty()
                ? null
                : letter.getOriginalKey().toByteArray();
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, key, letter.toByteArray(), headers);
    }

    private static String shortened(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "...";
    }

    private static String errorClass(Throwable error) {
        return error == null ? "" : error.getClass().getName();
    }

    private static ByteString bytes(byte[] value, int max) {
        return value == null ? ByteString.EMPTY : ByteString.copyFrom(value, 0, Math.min(max, value.length));
    }
}
