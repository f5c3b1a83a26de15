package dev.autost.sampler;

import dev.autost.domain.search.Candidate;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.CandidateMessages;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.TrainRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records one input makes the sampler publish, in order, each on its topic with its key.
 * Not thread-safe.
 */
final class SamplerOutput {
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private int candidates;

    /** A candidate for the scorers. */
    void candidate(String experimentId, Candidate c, boolean skipProbe) {
        add(
                Topics.CANDIDATES,
                Topics.genomeKey(experimentId, c.genome().hash()),
                CandidateMessages.toProto(experimentId, c, skipProbe).toByteArray());
        candidates++;
    }

    /** A train request for the trainers. */
    void train(TrainRequest r) {
        add(Topics.TRAIN_REQUESTS, Topics.genomeKey(r.getExperimentId(), r.getGenomeHash()), r.toByteArray());
    }

    /** One of the sampler's reports. */
    void report(Report r) {
        add(Topics.REPORTS, Topics.experimentKey(r.getExperimentId()), r.toByteArray());
    }

    /** Records built elsewhere (dead letters). */
    void addAll(List<ProducerRecord<byte[], byte[]>> more) {
        records.addAll(more);
    }

    /** Appends what {@code other} collected: it was built aside, to be kept only if all of it went well. */
    void take(SamplerOutput other) {
        records.addAll(other.records);
        candidates += other.candidates;
    }

    List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** Candidates among the records. */
    int candidates() {
        return candidates;
    }

    private void add(String topic, String key, byte[] value) {
        records.add(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }
}
