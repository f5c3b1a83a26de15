package dev.autost.scorer;

import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scorer against an existing Kafka cluster:
 *
 * <pre>
 * ScorerMain --bootstrap-servers HOST:PORT [--group-id ID] [--scorer-id ID]
 *            [--max-poll-records N] [--partitions N]
 * </pre>
 *
 * <p>Creates the AutoST topics if missing (waiting until they are usable, see {@link
 * TopicAdmin}), then deploys {@link ScorerVerticle}; Ctrl-C undeploys it and closes Vert.x.
 * Plain argument parsing on purpose: the CLI module wraps this later.
 */
public final class ScorerMain {

    private static final Logger LOG = LoggerFactory.getLogger(ScorerMain.class);

    /** Creating eight topics on a cold broker takes a few seconds; a minute is generous. */
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private ScorerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Args parsed;
        try {
            parsed = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: ScorerMain --bootstrap-servers HOST:PORT [--group-id ID]"
                    + " [--scorer-id ID] [--max-poll-records N] [--partitions N]");
            System.exit(2);
            return;
        }
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, parsed.config.bootstrapServers()))) {
            TopicAdmin.ensureTopics(
                    admin, Topics.defaults(parsed.partitions, Topics.DEFAULT_REPLICATION), TOPIC_TIMEOUT);
        }
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                vertx.close().await(30, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                LOG.warn("Vert.x did not close cleanly: {}", e.toString());
                            }
                            stopped.countDown();
                        },
                        "autost-scorer-shutdown"));
        vertx.deployVerticle(new ScorerVerticle(parsed.config))
                .onSuccess(id -> LOG.info("Scorer deployed ({}) against {}", id, parsed.config.bootstrapServers()))
                .onFailure(e -> {
                    LOG.error("Scorer failed to start", e);
                    System.exit(1);
                });
        stopped.await();
    }

    /** The parsed command line. */
    record Args(ScorerConfig config, int partitions) {

        static Args parse(String[] args) {
            String bootstrap = null;
            String groupId = ScorerConfig.DEFAULT_GROUP_ID;
            String scorerId = ScorerConfig.DEFAULT_SCORER_ID;
            int maxPollRecords = ScorerConfig.DEFAULT_MAX_POLL_RECORDS;
            int partitions = Topics.DEFAULT_PARTITIONS;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                String value;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("option " + name + " needs a value");
                    }
                    value = args[++i];
                }
                switch (name) {
                    case "--bootstrap-servers" -> bootstrap = value;
                    case "--group-id" -> groupId = value;
                    case "--scorer-id" -> scorerId = value;
                    case "--max-poll-records" -> maxPollRecords = parseInt(name, value);
                    case "--partitions" -> partitions = parseInt(name, value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (bootstrap == null) {
                throw new IllegalArgumentException("--bootstrap-servers is required");
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1 but was " + partitions);
            }
            ScorerConfig config = ScorerConfig.of(bootstrap)
                    .withGroupId(groupId)
                    .withScorerId(scorerId)
                    .withMaxPollRecords(maxPollRecords);
            return new Args(config, partitions);
        }

        private static int parseInt(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs an integer but got '" + value + "'");
            }
        }
    }
}
