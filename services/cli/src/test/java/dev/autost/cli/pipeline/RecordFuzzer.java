package dev.autost.cli.pipeline;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Bad records for the fuzz suite, derived from valid ones: flipped bits, truncations, random
 * bytes, a length prefix of 4 GB, an unknown {@code schema_version} (field 1 appended: the last
 * value of a scalar field wins), or a valid message with absurd values (from the caller).
 * Seeded: the same seed gives the same records.
 */
final class RecordFuzzer {
    /** The ways a record is spoiled; {@link #ABSURD} uses the caller's absurd messages. */
    enum Mutation {
        BIT_FLIPS,
        TRUNCATION,
        RANDOM_BYTES,
        HUGE_LENGTH,
        SCHEMA_VERSION,
        ABSURD
    }

    private final SplittableRandom rng;

    RecordFuzzer(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    Mutation pick() {
        Mutation[] all = Mutation.values();
        return all[rng.nextInt(all.length)];
    }

    /**
     * @param valid  a well-formed record of the topic
     * @param absurd well-formed records with values no producer of AutoST would write
     */
    byte[] spoil(Mutation m, byte[] valid, List<Supplier<byte[]>> absurd) {
        return switch (m) {
            case BIT_FLIPS -> flipped(valid);
            case TRUNCATION -> java.util.Arrays.copyOf(valid, rng.nextInt(Math.max(1, valid.length)));
            case RANDOM_BYTES -> randomBytes(rng.nextInt(300));
            case HUGE_LENGTH -> withHugeLength(valid);
            case SCHEMA_VERSION -> withField1(valid, 2 + rng.nextInt(Integer.MAX_VALUE - 2));
            case ABSURD -> absurd.get(rng.nextInt(absurd.size())).get();
        };
    }

    private byte[] flipped(byte[] valid) {
        byte[] out = valid.clone();
        int flips = 1 + rng.nextInt(8);
        for (int i = 0; i < flips && out.length > 0; i++) {
            int bit = rng.nextInt(out.length * 8);
            out[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return out;
    }

    private byte[] randomBytes(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) rng.nextInt(256);
        }
        return out;
    }

    /** Field 2 (a string in every AutoST message) claiming 4 GB, inserted at a random place. */
    private byte[] withHugeLength(byte[] valid) {
        int at = rng.nextInt(valid.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, at);
        out.writeBytes(new byte[] {0x12, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        out.write(valid, at, valid.length - at);
        return out.toByteArray();
    }

    private static byte[] withField1(byte[] valid, int version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(valid);
        out.write(0x08);
        long v = Integer.toUnsignedLong(version);
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }
}
