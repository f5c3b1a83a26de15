package dev.autost.domain.genome;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable identity of a genome: the first 16 hex digits (64 bits) of SHA-256 over
 * {@link Genome#canonicalJson()} in UTF-8. It depends only on the genome's values, never
 * on JVM, platform or insertion order, which is why it can key Kafka records and
 * result files. 64 bits keep collisions negligible for the ~1e6 candidates an
 * experiment ever sees.
 */
public final class GenomeHash {
    /** Hex digits kept from the digest. */
    public static final int LENGTH = 16;

    private GenomeHash() {}

    /** The hash of {@code genome}. */
    public static String of(Genome genome) {
        return ofCanonical(genome.canonicalJson());
    }

    /**
     * The same digest of any canonical text: other identities built from a genome's hash (the
     * trainers' training keys) are keyed the same way.
     */
    public static String ofCanonical(String canonicalJson) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM must provide SHA-256", e);
        }
        byte[] digest = sha.digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, LENGTH / 2);
    }
}
