package dev.autost.messaging;

import dev.autost.domain.AutostException;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan per experiment, built from the records of the compacted {@code
 * autost.experiments} topic (key = experiment id, value = {@link ExperimentSpec}).
 *
 * <p>A spec that cannot be used (undecodable, unknown schema_version, invalid space YAML) is
 * remembered with its reason, so records of that experiment are dead-lettered with the real
 * cause rather than "unknown experiment". A tombstone (null value) forgets the experiment. The
 * last record per key wins, as in the compacted topic. Thread-safe.
 */
public final class ExperimentCache implements ExperimentPlans {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentCache.class);

    /** Either a plan or the reason the spec is unusable. */
    private record Entry(ExperimentPlan plan, String problem) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Applies one record of {@code autost.experiments}. */
    public void apply(byte[] key, byte[] value) {
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            if (keyText != null) {
                entries.remove(keyText);
            }
            return;
        }
        ExperimentSpec spec;
        try {
            spec = ExperimentSpec.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            if (keyText != null) {
                remember(keyText, "its ExperimentSpec cannot be decoded: " + e.getMessage());
            }
            return;
        }
        String id = spec.getExperimentId().isEmpty() ? keyText : spec.getExperimentId();
        if (id == null) {
            LOG.warn("Ignoring an ExperimentSpec with neither key nor experiment_id");
            return;
        }
        if (!SchemaVersions.isKnown(spec.getSchemaVersion())) {
            remember(
                    id,
                    "its ExperimentSpec has unknown schema_version "
                            + Integer.toUnsignedString(spec.getSchemaVersion()));
            return;
        }
        try {
            // The same spec -> plan conversion as the sampler's, so both agree on what is valid.
            put(id, ExperimentPlan.fromSpec(spec));
        } catch (AutostException e) {
            remember(id, "its spec is invalid: " + e.getMessage());
        }
    }

    /** Registers a plan directly (tests). */
    public void put(String experimentId, ExperimentPlan plan) {
        entries.put(experimentId, new Entry(plan, null));
    }

    /** Whether a spec (usable or not) was seen for {@code experimentId}. */
    public boolean knows(String experimentId) {
        return entries.containsKey(experimentId);
    }

    public int size() {
        return entries.size();
    }

    @Override
    public ExperimentPlan planOf(String experimentId) {
        Entry entry = entries.get(experimentId);
        if (entry == null) {
            throw new UnknownExperimentException(
                    "unknown experiment '" + experimentId + "': no ExperimentSpec on autost.experiments");
        }
        if (entry.problem != null) {
            throw new UnknownExperimentException("experiment '" + experimentId + "' cannot be used: " + entry.problem);
        }
        return entry.plan;
    }

    private void remember(String id, String problem) {
        LOG.warn("Experiment {}: {}", id, problem);
        entries.put(id, new Entry(null, problem));
    }
}
