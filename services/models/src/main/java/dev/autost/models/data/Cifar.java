package dev.autost.models.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 / CIFAR-100 in their binary format. A CIFAR-10 record is 1 label byte + 3072
 * pixel bytes (1024 red, 1024 green, 1024 blue, row-major 32x32); a CIFAR-100 record
 * has 2 label bytes (coarse, fine) and the fine label is used.
 *
 * <p>Directory layout as distributed: {@code data_batch_1.bin .. data_batch_5.bin},
 * {@code test_batch.bin} (CIFAR-10, {@code cifar-10-batches-bin}); {@code train.bin},
 * {@code test.bin} (CIFAR-100, {@code cifar-100-binary}).
 */
public final class Cifar {
    public static final int SIDE = 32;
    public static final int PIXELS = 3 * SIDE * SIDE;

    /** Which of the two data sets. */
    public enum Variant {
        CIFAR10(1, 10, Normalization.CIFAR10),
        CIFAR100(2, 100, Normalization.CIFAR100);

        final int labelBytes;
        final int classes;
        final Normalization norm;

        Variant(int labelBytes, int classes, Normalization norm) {
            this.labelBytes = labelBytes;
            this.classes = classes;
            this.norm = norm;
        }

        public int recordBytes() {
            return labelBytes + PIXELS;
        }

        public int classes() {
            return classes;
        }
    }

    private Cifar() {}

    /** Loads the training or test split from a directory in the distributed layout. */
    public static ImageDataset load(Variant variant, Path dir, boolean train) {
        List<Path> files = new ArrayList<>();
        if (variant == Variant.CIFAR10) {
            if (train) {
                for (int i = 1; i <= 5; i++) {
                    files.add(dir.resolve("data_batch_" + i + ".bin"));
                }
            } else {
                files.add(dir.resolve("test_batch.bin"));
            }
        } else {
            files.add(dir.resolve(train ? "train.bin" : "test.bin"));
        }
        return read(
                variant, files, variant.name().toLowerCase(java.util.Locale.ROOT) + "/" + (train ? "train" : "test"));
    }

    /** Reads and concatenates binary record files. */
    public static ImageDataset read(Variant variant, List<Path> files, String name) {
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        int rec = variant.recordBytes();
        for (Path f : files) {
            byte[] b;
            try {
                b = Files.readAllBytes(f);
            } catch (NoSuchFileException e) {
                throw new DataFormatException(f, "file not found", e);
            } catch (IOException e) {
                throw new DataFormatException(f, "cannot read: " + e, e);
            }
            if (b.length == 0) {
                throw new DataFormatException(f, "empty file");
            }
            if (b.length % rec != 0) {
                throw new DataFormatException(
                        f,
                        "truncated or not " + variant + " binary: " + b.length
                                + " bytes is not a multiple of the " + rec + "-byte record (" + b.length / rec
                                + " whole records, then " + b.length % rec + " bytes)");
            }
            contents.add(b);
            total += b.length / rec;
        }
        int count = Math.toIntExact(total);
        byte[] pixels = new byte[count * PIXELS];
        int[] labels = new int[count];
        int i = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            byte[] b = contents.get(fi);
            for (int off = 0; off < b.length; off += rec, i++) {
                int label = b[off + variant.labelBytes - 1] & 0xff;
                if (label >= variant.classes) {
                    throw new DataFormatException(
                            files.get(fi),
                            "record " + off / rec + " has label " + label + ", outside [0, " + variant.classes
                                    + ") for " + variant);
                }
                labels[i] = label;
                System.arraycopy(b, off + variant.labelBytes, pixels, i * PIXELS, PIXELS);
            }
        }
        return new ImageDataset(name, count, 3, SIDE, SIDE, variant.classes, pixels, labels, variant.norm);
    }
}
