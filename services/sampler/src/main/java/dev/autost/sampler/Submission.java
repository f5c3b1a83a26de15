package dev.autost.sampler;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A spec record as the sampler reads it: a plan to run (or to stop), or a refusal; {@link #read}
 * gives null for a spec whose candidates come from elsewhere (a benchmark, an external producer).
 */
record Submission(ExperimentPlan plan, boolean stop, Refused refused) {
    /** A spec the sampler will not run: the record for the dead letters, the reason for the reports. */
    record Refused(ConsumerRecord<byte[], byte[]> record, String experimentId, String reason, Exception error) {}

    static Submission read(ConsumerRecord<byte[], byte[]> record) throws InvalidProtocolBufferException {
        ExperimentSpec spec = ExperimentSpec.parseFrom(record.value());
        if (ExperimentPlan.NO_SAMPLER.equals(spec.getOptionsOrDefault(ExperimentPlan.SAMPLER_OPTION, ""))) {
            return null;
        }
        try {
            boolean stop = "true".equals(spec.getOptionsOrDefault(ExperimentPlan.STOPPED_OPTION, "false"));
            return new Submission(ExperimentPlan.fromSpec(spec), stop, null);
        } catch (ExperimentPlan.InvalidExperimentException e) {
            return new Submission(null, false, new Refused(record, spec.getExperimentId(), e.getMessage(), e));
        }
    }
}
