package dev.autost.cli.bench;

import dev.autost.cli.options.ClusterOption;
import dev.autost.cli.options.Defaults;
import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.TopicSpec;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.ExperimentSpec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code autost bench pipeline}: in one run on one broker, raw Kafka produce-to-consume
 * messages/s for the candidate message size, candidates scored end to end through the scorer
 * service per second, and the default evolution's time through Kafka.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "Measures, side by side on one broker (embedded unless --bootstrap-servers):",
            "  raw      produce-to-consume messages/s with messages of the candidate size,",
            "  scorer   candidates/s from publishing to their scores being consumed, through the scorer service,",
            "  search   the default evolution (1 050 candidates, 21 generations) from submit to finished."
        })
final class BenchPipelineCommand implements Callable<Integer> {
    /** Unmeasured messages sent first through each path, so both are compared warm. */
    static final int WARMUP = 20_000;

    @Option(
            names = "--messages",
            description = "Messages for the raw and scorer figures (default: ${DEFAULT-VALUE}).",
            defaultValue = "100000")
    int messages;

    @Mixin
    ClusterOption cluster;

    @Mixin
    BenchPartitionsOption topics;

    @Option(
            names = "--scorers",
            description = "Scorer instances in the consumer group (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int scorers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SearchSpace small = SearchSpaces.builtIn("small");
        long t0 = System.nanoTime();
        try (LocalServices services = LocalServices.connect(cluster.bootstrapServers(), topics.partitions, (short) 1)) {
            String bootstrap = services.bootstrapServers();
            out.printf(
                    "bench pipeline: %s broker ready in %d ms, %d partitions, %d messages%n",
                    services.embeddedBroker() ? "embedded" : bootstrap,
                    (System.nanoTime() - t0) / 1_000_000,
                    topics.partitions,
                    messages);
            out.flush();
            String experiment = "bench-" + System.currentTimeMillis();
            List<byte[]> candidates = candidates(small, experiment, messages);
            int size = candidates.get(0).length;

            raw(bootstrap, candidates.subList(0, Math.min(WARMUP, candidates.size()))); // JIT and connections warm
            double raw = raw(bootstrap, candidates);
            out.printf(
                    "raw:      %,.0f messages/s produce-to-consume (%d-byte values, idempotent producer, acks=all)%n",
                    raw, size);
            out.flush();

            // Candidates come from this benchmark, not from a search: the sampler leaves it alone.
            ExperimentSpec spec = ExperimentSpec.newBuilder()
                    .setSchemaVersion(SchemaVersions.CURRENT)
                    .setExperimentId(experiment)
                    .setSpaceYaml(SearchSpaces.toYaml(small))
                    .putOptions(ExperimentPlan.SAMPLER_OPTION, ExperimentPlan.NO_SAMPLER)
                    .build();
            for (int i = 0; i < scorers; i++) {
                services.start(LocalServices.Service.SCORER);
            }
            double scored;
            try (ExperimentClient client = new ExperimentClient(bootstrap)) {
                client.submit(spec);
                client.submit(
                        spec.toBuilder().setExperimentId(experiment + "-warmup").build());
                List<byte[]> warm = candidates(small, experiment + "-warmup", Math.min(WARMUP, messages));
                throughScorer(bootstrap, experiment + "-warmup", warm);
                scored = throughScorer(bootstrap, experiment, candidates);
            }
            out.printf(
                    "scorer:   %,.0f candidates/s end to end through the scorer service, %d instance(s) (%.0f %% of raw)%n",
                    scored, scorers, 100 * scored / raw);
            out.flush();

            services.start(LocalServices.Service.SAMPLER, LocalServices.Service.EVALUATOR);
            ExperimentSpec search = ExperimentPlan.specBuilder(
                            experiment + "-search",
                            small,
                            "evolution",
                            Defaults.SEED,
                            Defaults.POPULATION,
                            Defaults.GENERATIONS,
                            0)
                    .build();
            try (ExperimentClient client = new ExperimentClient(bootstrap)) {
                long s0 = System.nanoTime();
                client.submit(search);
                int n = client.follow(search.getExperimentId(), Duration.ofMinutes(5), null)
                        .scores()
                        .size();
                out.printf(
                        "search:   default evolution, %d candidates in 21 generations, %d ms from submit to finished%n",
                        n, (System.nanoTime() - s0) / 1_000_000);
            }
        }
        out.flush();
        return 0;
    }

    /** Real candidate messages of distinct random genomes. */
    private static List<byte[]> candidates(SearchSpace space, String experiment, int n) {
        SplittableRandom rng = new SplittableRandom(7);
        Set<Genome> seen = new HashSet<>();
        List<byte[]> out = new ArrayList<>(n);
        while (out.size() < n) {
            Genome g = space.sample(rng);
            if (seen.add(g)) {
                out.add(CandidateMessage.newBuilder()
                        .setSchemaVersion(SchemaVersions.CURRENT)
                        .setExperimentId(experiment)
                        .setGenomeHash(g.hash())
                        .setGenome(GenomeMessages.toProto(g))
                        .setSequence(out.size())
                        .build()
                        .toByteArray());
            }
        }
        return out;
    }

    private double raw(String bootstrap, List<byte[]> values) throws Exception {
        String topic = "autost.bench.raw-" + System.currentTimeMillis();
        try (Admin admin = dev.autost.messaging.KafkaClients.admin(bootstrap)) {
            TopicAdmin.ensureTopics(
                    admin,
                    List.of(TopicSpec.retained(topic, topics.partitions, (short) 1, Duration.ofHours(1))),
                    Duration.ofSeconds(60));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.replayingConsumer(bootstrap, "bench-raw-in");
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, "bench-raw-out")) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            consumer.poll(Duration.ofMillis(50));
            long start = System.nanoTime();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                int i = 0;
                for (byte[] v : values) {
                    producer.send(
                            new ProducerRecord<>(topic, Integer.toString(i++).getBytes(StandardCharsets.UTF_8), v));
                }
                producer.flush();
            });
            long received = 0;
            while (received < values.size()) {
                received += consumer.poll(Duration.ofMillis(100)).count();
            }
            sent.join();
            return values.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double throughScorer(String bootstrap, String experiment, List<byte[]> values) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.replayingConsumer(bootstrap, "bench-scores-in");
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, "bench-candidates-out")) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(Topics.SCORES)
                    .forEach(p -> parts.add(new TopicPartition(Topics.SCORES, p.partition())));
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            long start = System.nanoTime();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                int i = 0;
                for (byte[] v : values) {
                    producer.send(new ProducerRecord<>(
                            Topics.CANDIDATES, (experiment + "/" + i++).getBytes(StandardCharsets.UTF_8), v));
                }
                producer.flush();
            });
            Set<String> keys = new HashSet<>();
            String prefix = experiment + "/";
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (keys.size() < values.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(prefix)) {
                        keys.add(key);
                    }
                }
            }
            sent.join();
            if (keys.size() < values.size()) {
                throw new IllegalStateException(
                        "only " + keys.size() + " of " + values.size() + " candidates were scored within 5 minutes");
            }
            return values.size() / ((System.nanoTime() - start) / 1e9);
        }
    }
}
