package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.space.SearchSpaces;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExperimentCacheTest {

    private static final String SMALL_YAML = """
      name: small
      embed_dims: [256, 320, 384, 448, 512]
      depth: {min: 2, max: 12}
      mlp_ratios: [3, 4, 5]
      num_heads: [4, 8]
      """;

    private final ExperimentCache cache = new ExperimentCache();

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] spec(String id, int version, String yaml) {
        return ExperimentSpec.newBuilder()
                .setSchemaVersion(version)
                .setExperimentId(id)
                .setSpaceYaml(yaml)
                .build()
                .toByteArray();
    }

    @Test
    void planOf_afterValidSpec_returnsSpaceSetting() {
        cache.apply(key("e1"), spec("e1", SchemaVersions.CURRENT, SMALL_YAML));

        assertEquals(
                SearchSpaces.parse(SMALL_YAML).modelSetting(),
                cache.planOf("e1").space().modelSetting());
    }

    @Test
    void planOf_unknownExperiment_throwsNamingIt() {
        var e = assertThrows(
                UnknownExperimentException.class,
                () -> cache.planOf("e9").space().modelSetting());
        assertTrue(e.getMessage().contains("unknown experiment 'e9'"), e.getMessage());
    }

    @Test
    void planOf_specWithInvalidYaml_throwsWithYamlProblem() {
        cache.apply(key("e1"), spec("e1", SchemaVersions.CURRENT, "depth: 3"));

        var e = assertThrows(
                UnknownExperimentException.class,
                () -> cache.planOf("e1").space().modelSetting());
        assertTrue(e.getMessage().contains("space_yaml"), e.getMessage());
    }

    @Test
    void planOf_specWithUnknownSchemaVersion_throwsNamingVersion() {
        cache.apply(key("e1"), spec("e1", 9, SMALL_YAML));

        var e = assertThrows(
                UnknownExperimentException.class,
                () -> cache.planOf("e1").space().modelSetting());
        assertTrue(e.getMessage().contains("unknown schema_version 9"), e.getMessage());
    }

    @Test
    void apply_undecodableSpec_remembersProblemUnderKey() {
        cache.apply(key("e1"), "not a protobuf".getBytes(StandardCharsets.UTF_8));

        var e = assertThrows(
                UnknownExperimentException.class,
                () -> cache.planOf("e1").space().modelSetting());
        assertTrue(e.getMessage().contains("cannot be decoded"), e.getMessage());
    }

    @Test
    void apply_tombstone_forgetsExperiment() {
        cache.apply(key("e1"), spec("e1", SchemaVersions.CURRENT, SMALL_YAML));

        cache.apply(key("e1"), null);

        assertFalse(cache.knows("e1"));
    }

    @Test
    void apply_laterValidSpec_replacesBrokenOne() {
        cache.apply(key("e1"), spec("e1", SchemaVersions.CURRENT, "depth: 3"));

        cache.apply(key("e1"), spec("e1", SchemaVersions.CURRENT, SMALL_YAML));

        assertEquals(
                SearchSpaces.parse(SMALL_YAML).modelSetting(),
                cache.planOf("e1").space().modelSetting());
    }
}
