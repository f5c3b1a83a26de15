package dev.autost.prober;

import static dev.autost.messaging.ConfigChecks.requireBootstrapServers;
import static dev.autost.messaging.ConfigChecks.requirePositive;
import static dev.autost.messaging.ConfigChecks.requireText;

import dev.autost.domain.benchmark.TableReplay;
import dev.autost.models.train.TrainingRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of one prober instance. Immutable; validated when built, with messages naming the field
 * and the value.
 *
 * @param bootstrapServers Kafka {@code host:port[,host:port...]}
 * @param groupId consumer group of {@code autost.scores}; all probers share one group so they split
 *     the partitions
 * @param proberId Kafka client id and name in logs
 * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param images training images in a probe's batch (the trainers' {@link
 *     TrainingRun#DEFAULT_PROXY_IMAGES}, so both measure the same)
 * @param dataDir where the datasets are, or empty for the standard locations
 * @param maxPollRecords scores per batch: probes run on the loop thread, so a batch must finish well
 *     inside {@code max.poll.interval.ms} (five minutes) even with large networks
 * @param pollTimeout longest wait of one poll when nothing arrives
 * @param startTimeout bound of reading {@code autost.experiments} to its end
 * @param table the tabulated benchmark whose proxies are served instead of probing ({@code --table}), or empty
 */
public record ProberConfig(
        String bootstrapServers,
        String groupId,
        String proberId,
        String device,
        int images,
        Optional<Path> dataDir,
        int maxPollRecords,
        Duration pollTimeout,
        Duration startTimeout,
        Optional<TableReplay> table) {

    public static final String DEFAULT_GROUP_ID = "autost-prober";
    public static final String DEFAULT_PROBER_ID = "prober";
    /** About a second a probe on one CPU core for the largest fashion-micro networks: 16 stay far below five minutes. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 16;

    public static final int MAX_POLL_RECORDS_LIMIT = 256;

    public ProberConfig {
        bootstrapServers = requireBootstrapServers(bootstrapServers);
        groupId = requireText(groupId, "groupId");
        proberId = requireText(proberId, "proberId");
        device = requireText(device, "device");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(table, "table");
        if (images < 2 || images > 1024) {
            throw new IllegalArgumentException("images must be in [2, 1024] but was " + images);
        }
        if (maxPollRecords < 1 || maxPollRecords > MAX_POLL_RECORDS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxPollRecords must be in [1, " + MAX_POLL_RECORDS_LIMIT + "] but was " + maxPollRecords);
        }
        requirePositive(pollTimeout, "pollTimeout");
        requirePositive(startTimeout, "startTimeout");
    }

    /** The defaults against {@code bootstrapServers}: CPU, the trainers' batch of images. */
    public static ProberConfig of(String bootstrapServers) {
        return new ProberConfig(
                bootstrapServers,
                DEFAULT_GROUP_ID,
                DEFAULT_PROBER_ID,
                "cpu",
                TrainingRun.DEFAULT_PROXY_IMAGES,
                Optional.empty(),
                DEFAULT_MAX_POLL_RECORDS,
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                Optional.empty());
    }

    public ProberConfig withProberId(String value) {
        return new ProberConfig(
                bootstrapServers,
                groupId,
                value,
                device,
                images,
                dataDir,
                maxPollRecords,
                pollTimeout,
                startTimeout,
                table);
    }

    public ProberConfig withDevice(String value) {
        return new ProberConfig(
                bootstrapServers,
                groupId,
                proberId,
                value,
                images,
                dataDir,
                maxPollRecords,
                pollTimeout,
                startTimeout,
                table);
    }

    public ProberConfig withDataDir(Optional<Path> value) {
        return new ProberConfig(
                bootstrapServers,
                groupId,
                proberId,
                device,
                images,
                value,
                maxPollRecords,
                pollTimeout,
                startTimeout,
                table);
    }

    /** The same settings reading the proxies from a tabulated benchmark instead of probing (none: probe). */
    public ProberConfig withTable(Optional<TableReplay> value) {
        return new ProberConfig(
                bootstrapServers,
                groupId,
                proberId,
                device,
                images,
                dataDir,
                maxPollRecords,
                pollTimeout,
                startTimeout,
                value);
    }
}
