package dev.autost.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    @TempDir
    Path dir;

    private static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    private static byte[] pixels(int n, long seed) {
        byte[] p = new byte[n];
        new Random(seed).nextBytes(p);
        return p;
    }

    @Test
    void fashionMnistLoad_gzipAndRawFiles_sameImagesAndLabels() throws IOException {
        byte[] px = pixels(3 * 28 * 28, 1);
        byte[] lb = {9, 0, 4};
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idx(new int[] {3, 28, 28}, px)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(new int[] {3}, lb));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(new int[] {3, 28, 28}, px));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(new int[] {3}, lb)));
        ImageDataset train = FashionMnist.load(Optional.of(dir), true);
        ImageDataset test = FashionMnist.load(Optional.of(dir), false);
        assertEquals(3, train.count());
        assertArrayEquals(new int[] {9, 0, 4}, train.labels());
        assertArrayEquals(px, train.pixels());
        assertArrayEquals(train.pixels(), test.pixels());
        assertEquals(Optional.of(dir), FashionMnist.locate(Optional.of(dir)));
    }

    @Test
    void readImages_truncatedData_namesFileAndCounts() throws IOException {
        byte[] full = idx(new int[] {2, 4, 4}, pixels(32, 2));
        Path f = dir.resolve("imgs");
        Files.write(f, Arrays.copyOf(full, full.length - 5));
        var e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(
                e.getMessage().contains(f.toString())
                        && e.getMessage().contains("truncated")
                        && e.getMessage().contains("32")
                        && e.getMessage().contains("27"),
                e.getMessage());
    }

    @Test
    void readImages_truncatedGzip_saysTruncatedGzip() throws IOException {
        byte[] gz = gzip(idx(new int[] {2, 4, 4}, pixels(32, 3)));
        Path f = dir.resolve("imgs.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void readImages_wrongMagic_saysNotIdx() throws IOException {
        Path f = dir.resolve("x");
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        var e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("not an unsigned-byte IDX"), e.getMessage());
    }

    @Test
    void readLabels_imageFileGiven_saysWrongDimensions() throws IOException {
        Path f = dir.resolve("x");
        Files.write(f, idx(new int[] {1, 2, 2}, new byte[4]));
        var e = assertThrows(DataFormatException.class, () -> IdxReader.readLabels(f));
        assertTrue(e.getMessage().contains("1 dimension"), e.getMessage());
    }

    @Test
    void fashionMnistLoad_labelCountMismatch_throws() throws IOException {
        Path img = dir.resolve("i");
        Path lab = dir.resolve("l");
        Files.write(img, idx(new int[] {2, 28, 28}, new byte[2 * 784]));
        Files.write(lab, idx(new int[] {3}, new byte[3]));
        var e = assertThrows(DataFormatException.class, () -> FashionMnist.load(img, lab, "t"));
        assertTrue(e.getMessage().contains("3 labels but"), e.getMessage());
    }

    @Test
    void fashionMnistLoad_missingDirectory_listsSearchPath() {
        var e = assertThrows(
                DataFormatException.class, () -> FashionMnist.load(Optional.of(dir.resolve("nowhere")), true));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    private static byte[] cifarRecords(int n, int labelBytes, int classes, long seed) {
        Random rnd = new Random(seed);
        byte[] b = new byte[n * (labelBytes + Cifar.PIXELS)];
        for (int i = 0; i < n; i++) {
            int off = i * (labelBytes + Cifar.PIXELS);
            for (int k = 0; k < labelBytes; k++) {
                b[off + k] = (byte) rnd.nextInt(classes);
            }
            for (int k = 0; k < Cifar.PIXELS; k++) {
                b[off + labelBytes + k] = (byte) rnd.nextInt(256);
            }
        }
        return b;
    }

    @Test
    void cifar10Load_generatedBatches_concatenatesInOrder() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), cifarRecords(2, 1, 10, i));
        }
        Files.write(dir.resolve("test_batch.bin"), cifarRecords(3, 1, 10, 9));
        ImageDataset train = Cifar.load(Cifar.Variant.CIFAR10, dir, true);
        ImageDataset test = Cifar.load(Cifar.Variant.CIFAR10, dir, false);
        assertEquals(10, train.count());
        assertEquals(3, test.count());
        byte[] third = cifarRecords(2, 1, 10, 2);
        assertEquals(third[0], (byte) train.labels()[2]);
        assertEquals(third[1 + 5], train.pixels()[2 * Cifar.PIXELS + 5]);
        assertEquals(3, train.channels());
    }

    @Test
    void cifar100Load_fineLabel_used() throws IOException {
        byte[] b = cifarRecords(1, 2, 20, 4);
        b[0] = 3; // coarse
        b[1] = 77; // fine
        Files.write(dir.resolve("train.bin"), b);
        ImageDataset d = Cifar.load(Cifar.Variant.CIFAR100, dir, true);
        assertEquals(77, d.labels()[0]);
        assertEquals(100, d.classes());
    }

    @Test
    void cifarRead_truncatedFile_namesFileAndRecordSize() throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        byte[] b = cifarRecords(2, 1, 10, 5);
        Files.write(f, Arrays.copyOf(b, b.length - 100));
        var e = assertThrows(DataFormatException.class, () -> Cifar.read(Cifar.Variant.CIFAR10, List.of(f), "t"));
        assertTrue(
                e.getMessage().contains(f.toString())
                        && e.getMessage().contains("3073")
                        && e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    void cifarRead_labelOutOfRange_throws() throws IOException {
        Path f = dir.resolve("b.bin");
        byte[] b = cifarRecords(1, 1, 10, 6);
        b[0] = 12;
        Files.write(f, b);
        var e = assertThrows(DataFormatException.class, () -> Cifar.read(Cifar.Variant.CIFAR10, List.of(f), "t"));
        assertTrue(e.getMessage().contains("label 12"), e.getMessage());
    }

    @Test
    void fill_noAugment_appliesNormalisation() {
        ImageDataset d = new ImageDataset(
                "d", 1, 1, 1, 2, 2, new byte[] {0, (byte) 255}, new int[] {1}, Normalization.FASHION_MNIST);
        float[] out = new float[2];
        new Batches(d, false).fill(new int[] {0}, 0, 1, out, null);
        assertEquals((0 - 0.2860f) / 0.3530f, out[0], 1e-6f);
        assertEquals((1 - 0.2860f) / 0.3530f, out[1], 1e-6f);
    }

    @Test
    void fill_augment_cropAndFlipKeepPixelsFromImageOrPadding() {
        ImageDataset d = SyntheticImages.generate(4, 2, 3, 8, 1);
        float[] out = new float[4 * d.imageBytes()];
        new Batches(d, true).fill(new int[] {0, 1, 2, 3}, 0, 4, out, new Random(3));
        float[][] t = d.norm().table();
        for (int i = 0; i < out.length; i++) {
            int ch = (i % d.imageBytes()) / 64;
            boolean found = false;
            for (int v = 0; v < 256 && !found; v++) {
                found = t[ch][v] == out[i];
            }
            assertTrue(found, "value " + out[i] + " is no normalised byte");
        }
    }
}
